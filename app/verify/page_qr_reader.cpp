#include "page_qr_reader.hpp"

#include <cstring>
#include <memory>
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>
#include <zbar.h>

namespace tc::verify {
namespace {

using tc::prescriptions::SignatureErrc;
// zbar.h declares its C API inside namespace zbar when compiled as C++.
using namespace zbar;

void quietPoppler(const std::string&, void*) {}

struct ScannerDeleter {
    void operator()(zbar_image_scanner_t* s) const noexcept { zbar_image_scanner_destroy(s); }
};
struct ImageDeleter {
    void operator()(zbar_image_t* i) const noexcept { zbar_image_destroy(i); }
};

boost::system::result<std::vector<std::string>> scanPage(const poppler::page& page, double dpi,
                                                         int density) {
    poppler::page_renderer renderer;
    renderer.set_render_hints(poppler::page_renderer::antialiasing);
    renderer.set_image_format(poppler::image::format_gray8);
    const poppler::image image = renderer.render_page(&page, dpi, dpi);
    if (!image.is_valid() || image.width() <= 0 || image.height() <= 0) {
        return SignatureErrc::renderFailed;
    }
    const auto width = static_cast<unsigned>(image.width());
    const auto height = static_cast<unsigned>(image.height());
    // zbar wants tightly packed Y800 rows; poppler pads rows to 4 bytes.
    std::vector<unsigned char> grey(static_cast<std::size_t>(width) * height);
    for (unsigned y = 0; y < height; ++y) {
        std::memcpy(grey.data() + static_cast<std::size_t>(y) * width,
                    image.const_data() + static_cast<std::size_t>(y) * image.bytes_per_row(),
                    width);
    }
    std::unique_ptr<zbar_image_scanner_t, ScannerDeleter> scanner(zbar_image_scanner_create());
    std::unique_ptr<zbar_image_t, ImageDeleter> frame(zbar_image_create());
    if (!scanner || !frame) {
        return SignatureErrc::renderFailed;
    }
    zbar_image_scanner_set_config(scanner.get(), ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner.get(), ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_scanner_set_config(scanner.get(), ZBAR_NONE, ZBAR_CFG_X_DENSITY, density);
    zbar_image_scanner_set_config(scanner.get(), ZBAR_NONE, ZBAR_CFG_Y_DENSITY, density);
    zbar_image_set_format(frame.get(), zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(frame.get(), width, height);
    zbar_image_set_data(frame.get(), grey.data(), grey.size(), nullptr);
    std::vector<std::string> texts;
    if (zbar_scan_image(scanner.get(), frame.get()) > 0) {
        for (const zbar_symbol_t* symbol = zbar_image_first_symbol(frame.get()); symbol != nullptr;
             symbol = zbar_symbol_next(symbol)) {
            if (zbar_symbol_get_type(symbol) == ZBAR_QRCODE) {
                texts.emplace_back(zbar_symbol_get_data(symbol),
                                   zbar_symbol_get_data_length(symbol));
            }
        }
    }
    return texts;
}

} // namespace

boost::system::result<std::vector<std::string>> readPageQrCodes(std::span<const std::byte> pdf,
                                                                double dpi) {
    poppler::set_debug_error_function(quietPoppler, nullptr);
    if (pdf.empty() || pdf.size() > 0x7FFFFFFF) {
        return SignatureErrc::renderFailed;
    }
    std::unique_ptr<poppler::document> document(poppler::document::load_from_raw_data(
        reinterpret_cast<const char*>(pdf.data()), static_cast<int>(pdf.size())));
    if (!document || document->is_locked() || document->pages() < 1) {
        return SignatureErrc::renderFailed;
    }
    // The code sits beside the signature block, after the last line: the last page first.
    std::vector<std::string> texts;
    for (int index = document->pages() - 1; index >= 0 && texts.empty(); --index) {
        std::unique_ptr<poppler::page> page(document->create_page(index));
        if (!page) {
            return SignatureErrc::renderFailed;
        }
        // A fast pass first (two thirds of the resolution, every second scan line), then the
        // full resolution on every line: zbar's cost grows with the pixels it scans, and a clean
        // printed code is found by the first pass.
        for (const auto& [scale, density] : {std::pair{2.0 / 3.0, 2}, std::pair{1.0, 1}}) {
            auto found = scanPage(*page, dpi * scale, density);
            if (!found) {
                return found.error();
            }
            if (!found->empty()) {
                texts = std::move(*found);
                break;
            }
        }
    }
    if (texts.empty()) {
        return SignatureErrc::qrNotFound;
    }
    return texts;
}

} // namespace tc::verify
