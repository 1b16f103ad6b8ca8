#include "ReportPdf.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "util/AtomicFile.h"

namespace ql {
namespace {

bool isPicture(const QTextBlock& block) {
    const QString text = block.text();
    return text.size() == 1 && text.at(0) == QChar::ObjectReplacementCharacter;
}

bool isHeading(const QTextBlock& block) { return block.isValid() && block.blockFormat().headingLevel() > 0; }

// A block that must not end a page: a heading, a paragraph that is only a picture (its caption
// follows), or a paragraph between a heading and a picture (it says how to read the pictures).
bool keepsWithNext(const QTextBlock& block) {
    if (isHeading(block))
        return true;
    if (!block.next().isValid())
        return false;
    return isPicture(block) || (isHeading(block.previous()) && isPicture(block.next()));
}

int pageOf(qreal y, qreal pageHeight) { return static_cast<int>(std::floor(y / pageHeight)); }

}  // namespace

namespace {

bool isHeadingOrPicture(const QTextBlock& block) {
    const QString text = block.text();
    return block.blockFormat().headingLevel() > 0 || (text.size() == 1 && text.at(0) == QChar::ObjectReplacementCharacter);
}

// The HTML with a page break before the n-th heading or picture paragraph (document order) for
// each n in `ordinals`. The breaks go into the HTML: Qt paints nothing after a block whose format
// was changed to break the page through a cursor.
QString withBreaks(const QString& html, const std::vector<int>& ordinals) {
    static const QRegularExpression tag(QStringLiteral("<h[1-6](?=[ >])|<p(?=><img)"));
    QString out;
    int ordinal = 0;
    qsizetype from = 0;
    for (auto it = tag.globalMatch(html); it.hasNext();) {
        const auto m = it.next();
        out += html.mid(from, m.capturedEnd() - from);
        from = m.capturedEnd();
        if (std::find(ordinals.begin(), ordinals.end(), ordinal) != ordinals.end())
            out += QStringLiteral(" style=\"page-break-before: always\"");
        ++ordinal;
    }
    return out + html.mid(from);
}

// A small table (under half a page) that a page end splits moves to the next page with its
// section: the ordinal of the heading to break before, or -1. A heading already near a page's top,
// or a section too tall for one page, stays where it is.
int smallTableBreak(QTextDocument& document, qreal pageHeight) {
    auto* layout = document.documentLayout();
    int ordinal = -1, headingOrdinal = -1;
    qreal headingTop = 0;
    const QTextTable* last = nullptr;
    for (QTextBlock b = document.begin(); b.isValid(); b = b.next()) {
        if (isHeadingOrPicture(b))
            ++ordinal;
        if (b.blockFormat().headingLevel() > 0) {
            headingOrdinal = ordinal;
            headingTop = layout->blockBoundingRect(b).top();
            continue;
        }
        const QTextTable* table = QTextCursor(b).currentTable();
        if (!table || table == last)
            continue;
        last = table;
        const QRectF r = layout->frameBoundingRect(const_cast<QTextTable*>(table));
        if (pageOf(r.top(), pageHeight) == pageOf(r.bottom() - 1, pageHeight) || r.height() > pageHeight / 2 || headingOrdinal < 0)
            continue;
        if (r.bottom() - headingTop > pageHeight * 0.9 || headingTop - pageOf(headingTop, pageHeight) * pageHeight < 60)
            continue;
        return headingOrdinal;
    }
    return -1;
}

}  // namespace

int keepWithNext(QTextDocument& document, const QString& html, const std::function<void(QTextDocument&)>& addResources) {
    const qreal pageHeight = document.pageSize().height();
    std::vector<int> breaks;  // ordinals of the headings/pictures that start a page
    // Each break moves what follows, so lay out again after each (a report needs a few).
    for (int guard = 0; guard < 100; ++guard) {
        document.setHtml(withBreaks(html, breaks));  // clears the resources too
        if (addResources) {
            addResources(document);
            document.markContentsDirty(0, document.characterCount());  // lay out again with the pictures
        }
        if (pageHeight <= 0)
            return 0;
        auto* layout = document.documentLayout();
        (void)layout->documentSize();  // lays the whole document out: rectangles of blocks not yet laid out are garbage
        int add = -1;
        int ordinal = -1;
        std::vector<std::pair<QTextBlock, int>> chain;  // the keep-with-next blocks just before, with ordinals
        for (QTextBlock b = document.begin(); b.isValid() && b.next().isValid(); b = b.next()) {
            if (isHeadingOrPicture(b))
                ++ordinal;
            if (!keepsWithNext(b)) {
                chain.clear();
                continue;
            }
            chain.emplace_back(b, isHeadingOrPicture(b) ? ordinal : -1);
            const QRectF here = layout->blockBoundingRect(b);
            const QRectF next = layout->blockBoundingRect(b.next());
            if (pageOf(here.top(), pageHeight) == pageOf(next.bottom() - 1, pageHeight))
                continue;
            // Start the chain (heading, picture, ...) on the next page, unless it already starts one.
            const auto& [first, firstOrdinal] = chain.front();
            const qreal top = layout->blockBoundingRect(first).top();
            if (firstOrdinal < 0 || top - pageOf(top, pageHeight) * pageHeight < 60)
                continue;  // at a page's top already: a break would only leave an empty page
            add = firstOrdinal;
            break;
        }
        if (add < 0)
            add = smallTableBreak(document, pageHeight);
        if (add < 0 || std::find(breaks.begin(), breaks.end(), add) != breaks.end())
            break;
        breaks.push_back(add);
    }
    return static_cast<int>(breaks.size());
}

Status writeReportPdf(const ReportContent& content, const std::string& path, const std::vector<std::string>& protectedInputs,
                      ReportPage page) {
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageLayout(QPageLayout(QPageSize(page == ReportPage::Letter ? QPageSize::Letter : QPageSize::A4),
                                         QPageLayout::Portrait, QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
        writer.setResolution(96);
        writer.setTitle(QString::fromStdString(reportTitle(content)));
        writer.setCreator(QStringLiteral("QuantLens"));

        QTextDocument document;
        document.documentLayout()->setPaintDevice(&writer);  // measure with the printer's metrics
        const QRect paint = writer.pageLayout().paintRectPixels(writer.resolution());
        document.setPageSize(QSizeF(paint.size()));
        document.setDocumentMargin(0);
        QFont font = document.defaultFont();
        font.setPointSizeF(10);
        document.setDefaultFont(font);
        const QString prefix = QStringLiteral("quantlens-report-image-");
        std::vector<QImage> images;
        for (const auto& bytes : reportImages(content))
            images.push_back(QImage::fromData(bytes.data(), static_cast<int>(bytes.size())));
        const auto addImages = [&](QTextDocument& d) {
            for (size_t i = 0; i < images.size(); ++i)
                d.addResource(QTextDocument::ImageResource, QUrl(prefix + QString::number(i) + QStringLiteral(".png")), images[i]);
        };
        keepWithNext(document, QString::fromStdString(renderHtml(content, prefix.toStdString())), addImages);
        document.print(&writer);
    }
    const QByteArray bytes = buffer.data();
    if (bytes.isEmpty())
        return Error{"cannot render the PDF report"};
    return writeFileAtomically(path, std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())), protectedInputs);
}

}  // namespace ql
