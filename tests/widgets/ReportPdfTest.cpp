// The report's PDF: pagination keeps a heading, the sentence that introduces pictures and the first
// picture together; a Chinese report embeds a font that has Chinese glyphs.
#include <QAbstractTextDocumentLayout>
#include <QFile>
#include <QFontDatabase>
#include <QImage>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QUrl>

#include "ReportPdf.h"
#include "report/HtmlReport.h"
#include "support/TestModels.h"

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
