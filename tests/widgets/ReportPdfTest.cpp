// The PDF report's page breaks, measured on Qt's own layout of the document: a small table that a
// page end would split moves to the next page with its heading; a table too tall for half a page
// splits as it must; a heading never ends a page.
#include <QAbstractTextDocumentLayout>
#include <QTest>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextTable>

#include <cmath>

#include "ReportPdf.h"

using namespace ql;

namespace {

constexpr qreal kPage = 800;

int pageOf(qreal y) { return static_cast<int>(std::floor(y / kPage)); }

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
        if (pageOf(t.top()) != pageOf(t.bottom() - 1) && headingRect(d).top() < kPage)
            return fillers;
    }
    return -1;
}

}  // namespace

class ReportPdfTest : public QObject {
    Q_OBJECT
private slots:
    void aSmallTableMovesWithItsHeading() {
        QTextDocument d;
        d.setPageSize(QSizeF(600, kPage));
        d.setDocumentMargin(0);
        const int fillers = straddling(d, 4);
        QVERIFY(fillers > 0);
        QCOMPARE(keepWithNext(d, section(fillers, 4)), 1);
        const QRectF t = tableRect(d);
        const QRectF h = headingRect(d);
        QCOMPARE(pageOf(t.top()), pageOf(t.bottom() - 1));  // the table on one page
        QCOMPARE(pageOf(h.top()), 1);                         // its heading starts the next page with it
        QCOMPARE(pageOf(t.top()), 1);
    }

    void aTallTableSplits() {
        QTextDocument d;
        d.setPageSize(QSizeF(600, kPage));
        d.setDocumentMargin(0);
        const int fillers = straddling(d, 40);  // more than half a page of rows
        QVERIFY(fillers > 0);
        QCOMPARE(keepWithNext(d, section(fillers, 40)), 0);
        QVERIFY(pageOf(headingRect(d).top()) == 0);
    }
};

QTEST_MAIN(ReportPdfTest)
#include "ReportPdfTest.moc"
