// DejaVu Sans (regular and bold), compiled into the library with the assembler's .incbin so
// that the ordonnance is set in the same font on every machine, whatever fontconfig offers;
// QPdfWriter then embeds the subset it uses into the PDF. The paths come from CMake
// (fonts-dejavu-core).
#include "ordonnance_fonts.hpp"

#include "tc/prescriptions/ordonnance.hpp"

#include <QByteArray>
#include <QFontDatabase>
#include <QStringList>
#include <mutex>

#if !defined(TC_FONT_SANS) || !defined(TC_FONT_SANS_BOLD)
#error "TC_FONT_SANS and TC_FONT_SANS_BOLD must name the DejaVu Sans TrueType files"
#endif

// clang-format off
asm(".section .rodata\n"
    ".balign 16\n"
    ".global tc_font_sans_data\n"
    "tc_font_sans_data:\n"
    ".incbin \"" TC_FONT_SANS "\"\n"
    "tc_font_sans_data_end:\n"
    ".balign 8\n"
    ".global tc_font_sans_size\n"
    "tc_font_sans_size:\n"
    ".quad tc_font_sans_data_end - tc_font_sans_data\n"
    ".balign 16\n"
    ".global tc_font_sans_bold_data\n"
    "tc_font_sans_bold_data:\n"
    ".incbin \"" TC_FONT_SANS_BOLD "\"\n"
    "tc_font_sans_bold_data_end:\n"
    ".balign 8\n"
    ".global tc_font_sans_bold_size\n"
    "tc_font_sans_bold_size:\n"
    ".quad tc_font_sans_bold_data_end - tc_font_sans_bold_data\n"
    ".previous\n");
// clang-format on

extern "C" {
extern const char tc_font_sans_data[];
extern const unsigned long long tc_font_sans_size;
extern const char tc_font_sans_bold_data[];
extern const unsigned long long tc_font_sans_bold_size;
}

namespace tc::prescriptions::detail {

QString ordonnanceFontFamily() {
    static std::once_flag once;
    static QString family = QStringLiteral("DejaVu Sans");
    std::call_once(once, [] {
        const auto add = [](const char* data, unsigned long long size) {
            const int id = QFontDatabase::addApplicationFontFromData(
                QByteArray::fromRawData(data, static_cast<qsizetype>(size)));
            return id >= 0 ? QFontDatabase::applicationFontFamilies(id).value(0) : QString();
        };
        const QString regular = add(tc_font_sans_data, tc_font_sans_size);
        add(tc_font_sans_bold_data, tc_font_sans_bold_size);
        if (!regular.isEmpty()) {
            family = regular;
        }
    });
    return family;
}

} // namespace tc::prescriptions::detail

namespace tc::prescriptions {

void registerOrdonnanceFonts() {
    detail::ordonnanceFontFamily();
}

} // namespace tc::prescriptions
