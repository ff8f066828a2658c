#pragma once
// The ordonnance's typeface, compiled into the library (ordonnance_fonts.cpp).

#include <QString>

namespace tc::prescriptions::detail {

// Registers the embedded DejaVu Sans faces with Qt once (needs a QGuiApplication) and returns
// their family name.
QString ordonnanceFontFamily();

} // namespace tc::prescriptions::detail
