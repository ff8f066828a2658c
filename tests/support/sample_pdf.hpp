#pragma once
// A small but complete PDF (one A4 page with a line of text), with a marker to tell copies
// apart and, optionally, an image-like stream of pseudo-random bytes to reach `padding` bytes.

#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace tc::test {

inline std::string samplePdf(const std::string& marker, std::size_t padding = 0) {
    std::mt19937 random(static_cast<std::uint32_t>(std::hash<std::string>{}(marker)));
    std::string noise(padding, '\0');
    for (auto& c : noise) {
        c = static_cast<char>(random() & 0xFF);
    }
    const std::string text = "BT /F1 18 Tf 72 770 Td (Ordonnance " + marker + ") Tj ET";
    std::vector<std::string> objects{
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length " + std::to_string(text.size()) + " >>\nstream\n" + text + "\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Length " + std::to_string(noise.size()) + " >>\nstream\n" + noise + "\nendstream",
    };
    std::string body = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(body.size());
        body += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const auto xref = body.size();
    body += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const auto offset : offsets) {
        char line[24];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
        body += line;
    }
    body += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
            " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return body;
}

} // namespace tc::test
