#include "prescription_editor_io.hpp"

#include <QFile>
#include <QStringList>
#include <memory>
#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

namespace tc::app::editor_io {

nlohmann::json toJsonValue(const QVariant& value) {
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool();
    case QMetaType::Int:
    case QMetaType::LongLong:
        return value.toLongLong();
    case QMetaType::Double:
    case QMetaType::Float:
        return value.toDouble();
    case QMetaType::QStringList:
    case QMetaType::QVariantList: {
        nlohmann::json array = nlohmann::json::array();
        for (const auto& line : value.toStringList()) {
            array.push_back(line.toStdString());
        }
        return array;
    }
    default:
        return value.toString().toStdString();
    }
}

QVariant toVariant(const nlohmann::json& value) {
    if (value.is_boolean()) {
        return value.get<bool>();
    }
    if (value.is_number_integer()) {
        return QVariant::fromValue(value.get<long long>());
    }
    if (value.is_number()) {
        return value.get<double>();
    }
    if (value.is_string()) {
        return QString::fromStdString(value.get<std::string>());
    }
    if (value.is_array()) {
        QStringList lines;
        for (const auto& item : value) {
            lines << (item.is_string() ? QString::fromStdString(item.get<std::string>())
                                       : QString());
        }
        return lines;
    }
    return {};
}

QImage renderSignedPage(const std::vector<std::byte>& pdf) {
    std::unique_ptr<poppler::document> document(poppler::document::load_from_raw_data(
        reinterpret_cast<const char*>(pdf.data()), static_cast<int>(pdf.size())));
    if (!document || document->pages() < 1) {
        return {};
    }
    std::unique_ptr<poppler::page> page(document->create_page(0));
    if (!page) {
        return {};
    }
    poppler::page_renderer renderer;
    renderer.set_render_hints(poppler::page_renderer::antialiasing |
                              poppler::page_renderer::text_antialiasing);
    renderer.set_image_format(poppler::image::format_argb32);
    const poppler::image image = renderer.render_page(page.get(), 110, 110);
    if (!image.is_valid() || image.format() != poppler::image::format_argb32) {
        return {};
    }
    return QImage(reinterpret_cast<const uchar*>(image.const_data()), image.width(), image.height(),
                  image.bytes_per_row(), QImage::Format_ARGB32)
        .copy(); // poppler's buffer goes with `image`
}

bool writeFile(const QString& path, std::span<const std::byte> bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) &&
           file.write(reinterpret_cast<const char*>(bytes.data()),
                      static_cast<qint64>(bytes.size())) == static_cast<qint64>(bytes.size());
}

} // namespace tc::app::editor_io
