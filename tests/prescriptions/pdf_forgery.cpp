#include "pdf_forgery.hpp"

#include <algorithm>
#include <cstdio>
#include <regex>
#include <stdexcept>

namespace tc::prescriptions::testing {
namespace {

std::string_view text(const std::vector<std::byte>& pdf) {
    return {reinterpret_cast<const char*>(pdf.data()), pdf.size()};
}

// Every "N G obj ... endobj" in file order: later ones are newer revisions.
std::vector<PdfObjectText> allObjects(std::string_view data) {
    std::vector<PdfObjectText> out;
    std::size_t at = 0;
    while ((at = data.find(" obj", at)) != std::string_view::npos) {
        // Back over "N G": digits, a space, digits, at a line start.
        std::size_t start = at;
        int spaces = 0;
        while (start > 0 && (std::isdigit(static_cast<unsigned char>(data[start - 1])) != 0 ||
                             (data[start - 1] == ' ' && spaces++ == 0))) {
            --start;
        }
        const bool atLineStart = start == 0 || data[start - 1] == '\n' || data[start - 1] == '\r';
        const std::size_t end = data.find("endobj", at);
        if (!atLineStart || spaces != 1 || end == std::string_view::npos) {
            at += 4;
            continue;
        }
        PdfObjectText object;
        object.number = std::stoi(std::string(data.substr(start, at - start)));
        object.body = std::string(data.substr(at + 4, end - at - 4));
        out.push_back(std::move(object));
        at = end + 6;
    }
    return out;
}

std::optional<std::string> trailerEntry(std::string_view data, const std::string& pattern) {
    const auto at = data.rfind("trailer");
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string tail(data.substr(at));
    std::smatch match;
    if (!std::regex_search(tail, match, std::regex(pattern))) {
        return std::nullopt;
    }
    return match[1].str();
}

} // namespace

std::vector<PdfObjectText> findObjects(const std::vector<std::byte>& pdf,
                                       const std::string& pattern) {
    std::map<int, PdfObjectText> newest;
    for (auto& object : allObjects(text(pdf))) {
        newest[object.number] = std::move(object);
    }
    const std::regex re(pattern);
    std::vector<PdfObjectText> out;
    for (auto& [number, object] : newest) {
        // Only the dictionary part is searched: stream data is binary.
        const auto streamAt = object.body.find("stream");
        if (std::regex_search(object.body.substr(0, streamAt), re)) {
            out.push_back(object);
        }
    }
    return out;
}

std::optional<PdfObjectText> objectText(const std::vector<std::byte>& pdf, int number) {
    std::optional<PdfObjectText> found;
    for (auto& object : allObjects(text(pdf))) {
        if (object.number == number) {
            found = std::move(object);
        }
    }
    return found;
}

int nextObjectNumber(const std::vector<std::byte>& pdf) {
    const auto size = trailerEntry(text(pdf), R"(/Size\s+(\d+))");
    if (!size) {
        throw std::runtime_error("no trailer /Size");
    }
    return std::stoi(*size);
}

std::vector<std::byte> appendUpdate(const std::vector<std::byte>& pdf,
                                    const std::map<int, std::string>& objects) {
    const std::string_view data = text(pdf);
    const auto startxrefAt = data.rfind("startxref");
    const auto root = trailerEntry(data, R"(/Root\s+(\d+\s+\d+\s+R))");
    if (startxrefAt == std::string_view::npos || !root) {
        throw std::runtime_error("not a classic-xref PDF");
    }
    const std::string previous = std::regex_replace(std::string(data.substr(startxrefAt + 9, 24)),
                                                    std::regex(R"(^\s*(\d+)[\s\S]*$)"), "$1");
    const auto info = trailerEntry(data, R"(/Info\s+(\d+\s+\d+\s+R))");
    std::string out(data);
    if (out.back() != '\n') {
        out += '\n';
    }
    std::map<int, std::size_t> offsets;
    int size = nextObjectNumber(pdf);
    for (const auto& [number, body] : objects) {
        offsets[number] = out.size();
        out += std::to_string(number) + " 0 obj" + body + "endobj\n";
        size = std::max(size, number + 1);
    }
    const std::size_t xrefAt = out.size();
    out += "xref\n";
    for (const auto& [number, offset] : offsets) {
        char entry[32];
        std::snprintf(entry, sizeof entry, "%d 1\n%010zu 00000 n \n", number, offset);
        out += entry;
    }
    out += "trailer\n<< /Size " + std::to_string(size) + " /Root " + *root +
           (info ? " /Info " + *info : std::string()) + " /Prev " + previous + " >>\nstartxref\n" +
           std::to_string(xrefAt) + "\n%%EOF\n";
    const auto* first = reinterpret_cast<const std::byte*>(out.data());
    return {first, first + out.size()};
}

std::string streamBody(const std::string& dictionaryEntries, std::string_view data) {
    return "\n<< " + dictionaryEntries + " /Length " + std::to_string(data.size()) +
           " >>\nstream\n" + std::string(data) + "\nendstream\n";
}

std::string replaceFirst(const std::string& text, const std::string& pattern,
                         const std::string& replacement, bool* found) {
    const std::regex re(pattern);
    const bool matched = std::regex_search(text, re);
    if (found != nullptr) {
        *found = matched;
    }
    return std::regex_replace(text, re, replacement, std::regex_constants::format_first_only);
}

} // namespace tc::prescriptions::testing
