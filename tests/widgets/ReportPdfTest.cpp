// The report's PDF, measured on Qt's own layout of the document: pagination keeps a heading, the
// sentence that introduces pictures and the first picture together; a small table that a page end
// would split moves to the next page with its heading, a table taller than half a page splits as
// it must; a Chinese report embeds a font that has Chinese glyphs.
#include <QAbstractTextDocumentLayout>
#include <QFile>
#include <QFontDatabase>
#include <QImage>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextTable>
#include <QUrl>

#include "ReportPdf.h"
#include "report/HtmlReport.h"
#include "support/TestModels.h"

#include <cmath>

namespace {

using namespace ql;

constexpr qreal kPage = 800;

int pageAt(qreal y) { return static_cast<int>(std::floor(y / kPage)); }

QString section(int fillers, int rows) {
    QString html = QStringLiteral("<html><body>");
    for (int i = 0; i < fillers; ++i)
        html += QStringLiteral("<p>Filler paragraph %1.</p>").arg(i);
    html += QStringLiteral("<h2>Runs</h2><p>Every quantized model of the session.</p><table border=\"1\">");
    for (int r = 0; r < rows; ++r)
        html += QStringLiteral("<tr><td>%1</td><td>re-quantized</td><td>12.3 ms</td></tr>").arg(r);
    return html + QStringLiteral("</table><p>After.</p></body></html>");
}

QRectF tableRect(QTextDocument& d) {
    for (QTextBlock b = d.begin(); b.isValid(); b = b.next())
        if (QTextTable* t = QTextCursor(b).currentTable())
            return d.documentLayout()->frameBoundingRect(t);
    return {};
}

QRectF headingRect(QTextDocument& d) {
    for (QTextBlock b = d.begin(); b.isValid(); b = b.next())
        if (b.blockFormat().headingLevel() > 0)
            return d.documentLayout()->blockBoundingRect(b);
    return {};
}

// The smallest filler count whose table straddles the first page end with `rows` rows.
int straddling(QTextDocument& d, int rows) {
    for (int fillers = 1; fillers < 300; ++fillers) {
        d.setHtml(section(fillers, rows));
        (void)d.documentLayout()->documentSize();
        const QRectF t = tableRect(d);
        if (pageAt(t.top()) != pageAt(t.bottom() - 1) && headingRect(d).top() < kPage)
            return fillers;
    }
    return -1;
}

}  // namespace

namespace ql {

class ReportPdfTest : public QObject {
    Q_OBJECT

    static int pageOf(const QTextDocument& d, const QTextBlock& b) {
        return static_cast<int>(d.documentLayout()->blockBoundingRect(b).top() / d.pageSize().height());
    }

private slots:
    void headingIntroAndPictureStayTogether() {
        QImage picture(200, 150, QImage::Format_RGB32);
        picture.fill(Qt::gray);
        const auto addPicture = [&](QTextDocument& d) { d.addResource(QTextDocument::ImageResource, QUrl(QStringLiteral("pic.png")), picture); };
        // The pages of the heading, its sentence and the picture, the heading's distance from its page's top.
        struct Layout {
            int heading = -1, sentence = -1, picture = -1;
            qreal headingTop = 0;
        };
        const auto layOut = [&](QTextDocument& d) {
            (void)d.documentLayout()->documentSize();
            Layout l;
            for (QTextBlock b = d.begin(); b.isValid(); b = b.next())
                if (b.blockFormat().headingLevel() > 0) {
                    l.heading = pageOf(d, b);
                    l.headingTop = d.documentLayout()->blockBoundingRect(b).top() - l.heading * d.pageSize().height();
                    l.sentence = pageOf(d, b.next());
                    l.picture = pageOf(d, b.next().next());
                }
            return l;
        };
        const auto htmlWith = [](int fillers) {
            QString html;
            for (int i = 0; i < fillers; ++i)
                html += QStringLiteral("<p>filler paragraph %1</p>").arg(i);
            return html + QStringLiteral("<h3>Histograms</h3><p>Above: FP32 filled, INT8 as a line.</p>"
                                         "<p><img src=\"pic.png\" width=\"200\"></p><p>caption</p>");
        };
        // As many filler paragraphs as leave room for the heading and its sentence at page 1's end,
        // not for the picture (measured, so fonts do not matter).
        QString html;
        for (int fillers = 1; fillers < 60 && html.isEmpty(); ++fillers) {
            QTextDocument d;
            d.setPageSize(QSizeF(400, 420));
            d.setDocumentMargin(0);
            d.setHtml(htmlWith(fillers));
            addPicture(d);
            d.markContentsDirty(0, d.characterCount());
            const Layout l = layOut(d);
            if (l.heading == 0 && l.sentence == 0 && l.picture == 1 && l.headingTop > 80)
                html = htmlWith(fillers);
        }
        QVERIFY2(!html.isEmpty(), "no filler splits the heading from its picture");

        QTextDocument document;
        document.setPageSize(QSizeF(400, 420));
        document.setDocumentMargin(0);
        QCOMPARE(keepWithNext(document, html, addPicture), 1);
        const Layout l = layOut(document);
        QCOMPARE(l.heading, 1);  // the heading moved to the picture's page, its sentence with it
        QCOMPARE(l.sentence, 1);
        QCOMPARE(l.picture, 1);
    }

    void aSmallTableMovesWithItsHeading() {
        QTextDocument d;
        d.setPageSize(QSizeF(600, kPage));
        d.setDocumentMargin(0);
        const int fillers = straddling(d, 4);
        QVERIFY(fillers > 0);
        QCOMPARE(keepWithNext(d, section(fillers, 4)), 1);
        const QRectF t = tableRect(d);
        const QRectF h = headingRect(d);
        QCOMPARE(pageAt(t.top()), pageAt(t.bottom() - 1));  // the table on one page
        QCOMPARE(pageAt(h.top()), 1);                         // its heading starts the next page with it
        QCOMPARE(pageAt(t.top()), 1);
    }

    void aTallTableSplits() {
        QTextDocument d;
        d.setPageSize(QSizeF(600, kPage));
        d.setDocumentMargin(0);
        const int fillers = straddling(d, 40);  // more than half a page of rows
        QVERIFY(fillers > 0);
        QCOMPARE(keepWithNext(d, section(fillers, 40)), 0);
        QVERIFY(pageAt(headingRect(d).top()) == 0);
    }
    void chineseReportEmbedsAChineseFont() {
        const QStringList chineseFamilies = QFontDatabase::families(QFontDatabase::SimplifiedChinese);
        if (chineseFamilies.isEmpty())
            QFAIL("no font with Chinese glyphs is installed (scripts/setup.sh installs fonts-wqy-microhei)");
        ReportContent content;
        content.language = ReportLanguage::Chinese;
        content.fp32.name = "fp32.onnx";
        content.quantized.name = "int8.onnx";
        const std::string path = test::tempPath("report_zh.pdf");
        const auto written = writeReportPdf(content, path);
        QVERIFY2(written, written ? "" : written.errorMessage().c_str());
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray pdf = file.readAll();
        QVERIFY(pdf.startsWith("%PDF"));
        // Qt names each embedded font by its PostScript name: the family without spaces.
        bool embedded = false;
        for (QString family : chineseFamilies)
            embedded |= pdf.contains("/BaseFont /" + family.remove(QLatin1Char(' ')).toLatin1());
        QVERIFY2(embedded, qPrintable(QStringLiteral("none of %1 embedded").arg(chineseFamilies.join(QStringLiteral(", ")))));
    }
};

}  // namespace ql

QTEST_MAIN(ql::ReportPdfTest)
#include "ReportPdfTest.moc"
