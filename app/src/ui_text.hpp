#pragma once
// Two helpers of the controllers that word things for the doctor: whether the console reads
// French now (the default locale UiLanguage sets), and the libraries' UTF-8 text as a QString.

#include <QLocale>
#include <QString>
#include <string_view>

namespace tc::app {

inline bool french() {
    return QLocale().language() == QLocale::French;
}

inline QString fromView(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace tc::app
