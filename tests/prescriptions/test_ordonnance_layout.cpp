// The ordonnance's page, read back from the PDF by poppler as a pharmacist's software would:
// word positions from `pdftotext -bbox`, the text layer from `pdftotext`, pixels from
// `pdftoppm`. R5132-4 CSP: the signature comes immediately under the last line, or the space
// between them is made unusable.
#include "fixtures.hpp"
#include "tc/prescriptions/ordonnance.hpp"
#include "test_support.hpp"

#include <QImage>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <functional>
#include <optional>
#include <regex>
#include <sstream>

using namespace tc::prescriptions;
using namespace tc::prescriptions::testing;
namespace fx = tc::prescriptions::test;

namespace {

constexpr double kPointsPerMm = 72 / 25.4;
// The largest blank band allowed between the bottom of the last line's text and the top of the
// signature block's text (poppler's word boxes: font ascent to descent).
constexpr double kMaxSignatureGapMm = 3;

using fx::kSigningTime;

struct Word {
    int page = 0; // 0-based
    double xMin = 0, yMin = 0, xMax = 0, yMax = 0;
    std::string text;
};

struct PdfWords {
    double pageHeight = 0;
    int pages = 0;
    std::vector<Word> words;
};

std::string unescapeXml(std::string s) {
    static const std::pair<const char*, const char*> kEntities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
    for (const auto& [entity, plain] : kEntities) {
        for (auto at = s.find(entity); at != std::string::npos; at = s.find(entity, at + 1)) {
            s.replace(at, std::string_view(entity).size(), plain);
        }
    }
    return s;
}

PdfWords wordsOf(const std::filesystem::path& pdf) {
    const auto out = run("pdftotext -bbox -enc UTF-8 " + quote(pdf) + " -", false);
    REQUIRE(out.exitCode == 0);
    static const std::regex kPage(R"re(<page width="([0-9.]+)" height="([0-9.]+)">)re");
    static const std::regex kWord(
        R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">(.*)</word>)re");
    PdfWords result;
    std::istringstream lines(out.output);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_search(line, m, kPage)) {
            result.pageHeight = std::stod(m[2]);
            ++result.pages;
        } else if (std::regex_search(line, m, kWord)) {
            result.words.push_back({result.pages - 1, std::stod(m[1]), std::stod(m[2]),
                                    std::stod(m[3]), std::stod(m[4]), unescapeXml(m[5])});
        }
    }
    REQUIRE(result.pages > 0);
    return result;
}

// `count` medication lines, all different, without renewals except every fifth one. The last
// line's instructions end with a marker word, so that the test knows which text is its last.
Prescription withLines(int count) {
    Prescription p = fx::adultPrescription();
    p.lines.clear();
    for (int i = 0; i < count; ++i) {
        MedicationLine m = i % 2 == 0 ? fx::amoxicillinCapsules() : fx::paracetamolTablets();
        m.instructions =
            "Consigne de la ligne " + std::to_string(i + 1) + (i + 1 == count ? " FIN" : "");
        if (i % 5 == 4) {
            m.renewals = 1;
        }
        p.lines.emplace_back(std::move(m));
    }
    return p;
}

struct Rendered {
    TempDir dir;
    std::filesystem::path pdf;
    PdfWords words;
};

// TC_ORDONNANCE_DUMP_DIR=/some/dir keeps a copy of every PDF rendered here, to look at them.
void keepCopy(const std::vector<std::byte>& pdf, const Prescription& p, PaperSize paper) {
    const char* dir = std::getenv("TC_ORDONNANCE_DUMP_DIR");
    if (dir == nullptr || *dir == '\0') {
        return;
    }
    const auto name = std::string(paper == PaperSize::a5 ? "a5-" : "a4-") +
                      std::to_string(p.lines.size()) + "-lines-" +
                      std::to_string(std::hash<std::string>{}(p.id.toString()) % 1000) + ".pdf";
    writeFile(std::filesystem::path(dir) / name, pdf);
}

std::unique_ptr<Rendered> render(const Prescription& p, PaperSize paper = PaperSize::a5) {
    auto sealed = SealedPrescription::seal(p, fx::table());
    REQUIRE(sealed.has_value());
    auto bytes = renderOrdonnancePdf(*sealed, kSigningTime, {paper});
    REQUIRE(bytes.has_value());
    keepCopy(*bytes, p, paper);
    auto r = std::make_unique<Rendered>();
    r->pdf = r->dir / "o.pdf";
    writeFile(r->pdf, *bytes);
    r->words = wordsOf(r->pdf);
    return r;
}

// The signature block's first text line: the signer's name, the lowest "Dr" on the last page
// (the other one heads the page).
const Word& signerWord(const PdfWords& w) {
    const Word* signer = nullptr;
    for (const auto& word : w.words) {
        if (word.page == w.pages - 1 && word.text == "Dr" &&
            (signer == nullptr || word.yMin > signer->yMin)) {
            signer = &word;
        }
    }
    REQUIRE(signer != nullptr);
    return *signer;
}

struct Gap {
    double mm = 0;
    const Word* lastLineWord = nullptr; // a word of the text line right above the block
};

// From the bottom of the lowest text above the signature block to the top of the block's text.
Gap signatureGap(const PdfWords& w) {
    const Word& signer = signerWord(w);
    Gap gap;
    for (const auto& word : w.words) {
        if (word.page == signer.page && word.yMax <= signer.yMin + 0.5 &&
            (gap.lastLineWord == nullptr || word.yMax > gap.lastLineWord->yMax)) {
            gap.lastLineWord = &word;
        }
    }
    REQUIRE(gap.lastLineWord != nullptr);
    gap.mm = (signer.yMin - gap.lastLineWord->yMax) / kPointsPerMm;
    return gap;
}

std::optional<Word> find(const PdfWords& w, const std::string& text) {
    for (const auto& word : w.words) {
        if (word.text == text) {
            return word;
        }
    }
    return std::nullopt;
}

// The destination code points of every ToUnicode CMap in the file (QPdfWriter writes them
// unfiltered): what copy and paste and screen readers read, whatever pdftotext makes of them
// (poppler turns any whitespace into a word break, so pdftotext alone never shows a U+0009).
std::vector<std::string> toUnicodeDestinations(const std::vector<std::byte>& pdf) {
    const std::string bytes(reinterpret_cast<const char*>(pdf.data()), pdf.size());
    std::vector<std::string> out;
    static const std::regex kHex("<([0-9A-Fa-f]+)>");
    int sections = 0;
    for (const std::string kind : {"bfrange", "bfchar"}) {
        for (auto at = bytes.find("begin" + kind); at != std::string::npos;
             at = bytes.find("begin" + kind, at + 1)) {
            const auto end = bytes.find("end" + kind, at);
            REQUIRE(end != std::string::npos);
            ++sections;
            std::istringstream lines(bytes.substr(at, end - at));
            std::string line;
            std::getline(lines, line); // "N beginbfrange"
            while (std::getline(lines, line)) {
                std::vector<std::string> hex;
                for (std::sregex_iterator it(line.begin(), line.end(), kHex), last; it != last;
                     ++it) {
                    hex.push_back((*it)[1]);
                }
                // bfrange: <lo> <hi> <dst> or <lo> <hi> [<dst>...]; bfchar: <src> <dst>.
                const std::size_t skip = kind == "bfrange" ? 2 : 1;
                for (std::size_t i = skip; i < hex.size(); ++i) {
                    out.push_back(hex[i]);
                }
            }
        }
    }
    REQUIRE(sections > 0);
    return out;
}

} // namespace

TEST_CASE("Ordonnance: the signature comes right under the last line (R5132-4), 1, 3 and 12 lines",
          "[ordonnance][layout]") {
    const int lines = GENERATE(1, 3, 12);
    const PaperSize paper = GENERATE(PaperSize::a5, PaperSize::a4);
    INFO(lines << " lines, " << (paper == PaperSize::a5 ? "A5" : "A4"));
    const auto r = render(withLines(lines), paper);
    const auto& w = r->words;
    const Word& signer = signerWord(w);
    const Gap gap = signatureGap(w);
    INFO("pages " << w.pages << ", gap " << gap.mm << " mm above the signer, under \""
                  << gap.lastLineWord->text << "\"");
    // The text right above the block is the last line's: its marker is on that text line.
    const auto marker = find(w, "FIN");
    REQUIRE(marker.has_value());
    CHECK(marker->page == signer.page);
    CHECK(std::abs(marker->yMax - gap.lastLineWord->yMax) < 0.5);
    CHECK(gap.mm >= 0);
    CHECK(gap.mm <= kMaxSignatureGapMm);
    // The block is on the last page, and "Signé électroniquement" is its next text line.
    CHECK(signer.page == w.pages - 1);
    const auto signe = find(w, "Signé");
    REQUIRE(signe.has_value());
    CHECK(signe->page == signer.page);
    CHECK(signe->yMin > signer.yMin);
    CHECK(signe->yMin - signer.yMax < 1 * kPointsPerMm);
    if (lines == 12 && paper == PaperSize::a5) {
        CHECK(w.pages >= 2); // the case that matters: the block after a page break
    }
}

TEST_CASE("Ordonnance: the space left at the foot of a page that continues is struck through",
          "[ordonnance][layout]") {
    const auto r = render(withLines(12));
    const auto& w = r->words;
    REQUIRE(w.pages >= 2);
    const auto png = r->dir / "page";
    REQUIRE(run("pdftoppm -r 100 -gray -png " + quote(r->pdf) + " " + quote(png), false).exitCode ==
            0);
    for (int page = 0; page + 1 < w.pages; ++page) {
        // Between the lowest body text and the footer ("Ordonnance n° ... page n/N"), across
        // the text's width.
        double bodyEnd = 0;
        double footerTop = w.pageHeight;
        double left = w.pageHeight;
        double right = 0;
        for (const auto& word : w.words) {
            if (word.page == page && word.text == "Ordonnance") {
                footerTop = std::min(footerTop, word.yMin);
            }
        }
        for (const auto& word : w.words) {
            if (word.page == page && word.yMax < footerTop) {
                bodyEnd = std::max(bodyEnd, word.yMax);
                left = std::min(left, word.xMin);
                right = std::max(right, word.xMax);
            }
        }
        const double bandMm = (footerTop - bodyEnd) / kPointsPerMm;
        INFO("page " << page + 1 << ": " << bandMm << " mm between the last line and the footer");
        // pdftoppm names pages o-1.png or o-01.png depending on the count.
        QImage image;
        for (const auto* pattern : {"page-%1.png", "page-%1", "page-0%1.png"}) {
            const auto name = QString::fromLatin1(pattern).arg(page + 1);
            if (image.load(QString::fromStdString(r->dir.path().string()) + u'/' + name)) {
                break;
            }
        }
        REQUIRE_FALSE(image.isNull());
        const double pxPerPt = image.height() / w.pageHeight;
        // In every pixel row of the band, but for 1.5 mm at each end, no blank run across the
        // text's width is longer than 8 mm: there is no room for a word, let alone a line.
        // (Under 6 mm, there is no room for a line anyway.)
        if (bandMm < 6) {
            continue;
        }
        const int from = static_cast<int>((bodyEnd + 1.5 * kPointsPerMm) * pxPerPt);
        const int to = static_cast<int>((footerTop - 1.5 * kPointsPerMm) * pxPerPt);
        const int x0 = static_cast<int>(left * pxPerPt);
        const int x1 = static_cast<int>(right * pxPerPt);
        const int maxRun = static_cast<int>(8 * kPointsPerMm * pxPerPt);
        int longest = 0;
        for (int y = from; y < to; ++y) {
            int run = 0;
            for (int x = x0; x < x1; ++x) {
                run = qGray(image.pixel(x, y)) < 160 ? 0 : run + 1;
                longest = std::max(longest, run);
            }
        }
        INFO("longest blank run " << longest / pxPerPt / kPointsPerMm << " mm");
        CHECK(longest <= maxRun);
    }
}

TEST_CASE("Ordonnance: the text layer separates words with spaces, never tabs",
          "[ordonnance][layout]") {
    for (const auto& p : {fx::adultPrescription(), fx::childPrescription(), withLines(12)}) {
        const auto r = render(p);
        const auto destinations = toUnicodeDestinations(readBytes(r->pdf));
        CHECK(destinations.size() > 40);
        for (const auto& d : destinations) {
            INFO("ToUnicode destination <" << d << ">");
            // No control character: a tab where a space was drawn was the defect; <0000> is
            // Qt's entry for the .notdef glyph.
            const auto codePoint = std::stoul(d, nullptr, 16);
            CHECK(codePoint != 0x09);
            CHECK((codePoint == 0 || codePoint >= 0x20));
        }
        for (const char* mode : {"", "-raw", "-layout"}) {
            const auto text =
                run(std::string("pdftotext -enc UTF-8 ") + mode + " " + quote(r->pdf) + " -", false)
                    .output;
            INFO(mode << "\n" << text);
            CHECK(text.find('\t') == std::string::npos);
            CHECK(text.find("Signé électroniquement (PAdES)") != std::string::npos);
            CHECK(text.find("Ordonnance n° " + p.id.toString()) != std::string::npos);
        }
    }
    const auto r = render(fx::adultPrescription());
    const auto text = run("pdftotext -enc UTF-8 " + quote(r->pdf) + " -", false).output;
    for (const char* phrase : {"2 gélules 3 fois par jour pendant 7 jours, voie orale",
                               "Quantité à délivrer : 42 gélules", "Patient : DURAND Paul",
                               "Paris, le 3 mai 2024", "N° RPPS : 10101234564"}) {
        INFO(phrase);
        CHECK(text.find(phrase) != std::string::npos);
    }
}
