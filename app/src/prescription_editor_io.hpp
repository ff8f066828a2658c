#pragma once
// What the ordonnance editor reads and writes outside its model: QML values to and from the
// draft's JSON, the signed PDF rendered by poppler for the preview (exactly what the cabin
// prints), and the signed files kept with the consultation.

#include <QImage>
#include <QString>
#include <QVariant>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

namespace tc::app::editor_io {

// A QML value as JSON: booleans, integers, doubles, string lists (address lines), else text.
nlohmann::json toJsonValue(const QVariant& value);
// A JSON value for QML; null and objects give an invalid QVariant.
QVariant toVariant(const nlohmann::json& value);
// Page 1 of a PDF at 110 dpi, ARGB32; null when poppler cannot read it.
QImage renderSignedPage(const std::vector<std::byte>& pdf);
// Writes `bytes` to `path` whole; false on any failure.
bool writeFile(const QString& path, std::span<const std::byte> bytes);

} // namespace tc::app::editor_io
