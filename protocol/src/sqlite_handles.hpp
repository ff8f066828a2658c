#pragma once
// SQLite handles and the statement helpers the event log (event_log.cpp) and the archive index
// (archive_index_sqlite.cpp) share.

#include <memory>
#include <sqlite3.h>
#include <string>
#include <string_view>

namespace tc::protocol::detail {

struct DbClose {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalize {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbClose>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalize>;

// A statement kept for the connection's lifetime (SQLITE_PREPARE_PERSISTENT); null on failure.
inline StatementPtr prepareStatement(sqlite3* db, const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
        SQLITE_OK) {
        return nullptr;
    }
    return StatementPtr(statement);
}

inline void bindText(sqlite3_stmt* s, int index, std::string_view text) {
    sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// The column's text, all of its bytes; empty for NULL.
inline std::string columnText(sqlite3_stmt* s, int index) {
    const auto* text = sqlite3_column_text(s, index);
    return text != nullptr ? std::string(reinterpret_cast<const char*>(text),
                                         static_cast<std::size_t>(sqlite3_column_bytes(s, index)))
                           : std::string();
}

// Resets (and clears the bindings of) a prepared statement on entry, and resets it again when
// the scope ends, whatever the path out.
class StatementUse {
public:
    explicit StatementUse(sqlite3_stmt* s)
        : m_s(s) {
        sqlite3_reset(m_s);
        sqlite3_clear_bindings(m_s);
    }
    ~StatementUse() { sqlite3_reset(m_s); }
    StatementUse(const StatementUse&) = delete;
    StatementUse& operator=(const StatementUse&) = delete;
    sqlite3_stmt* get() const { return m_s; }

private:
    sqlite3_stmt* m_s;
};

} // namespace tc::protocol::detail
