// The app in Simplified Chinese: QuantLens' own strings and Qt's (file dialogs, OK/Cancel), the
// latter from qtbase_zh_CN.qm of Debian's qt6-translations-l10n, which scripts/setup.sh installs.
#include <QApplication>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QPushButton>
#include <QTest>

#include "AppSettings.h"
#include "DetectionCompareView.h"

using namespace ql;

class TranslationTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QCoreApplication::setOrganizationName(QStringLiteral("QuantLensTranslationTest")); }

    void qtOwnButtonsAreChinese() {
        const QString qm = QLibraryInfo::path(QLibraryInfo::TranslationsPath) + QStringLiteral("/qtbase_zh_CN.qm");
        QVERIFY2(QFileInfo::exists(qm), qPrintable(qm + QStringLiteral(" is missing: install qt6-translations-l10n "
                                                                         "(scripts/setup.sh does)")));
        AppSettings::setLanguage(QStringLiteral("zh_CN"));
        QCOMPARE(AppSettings::installTranslator(*qApp), QStringLiteral("zh_CN"));
        QDialogButtonBox box(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
        QCOMPARE(box.button(QDialogButtonBox::Cancel)->text(), QStringLiteral("取消"));
        // QuantLens' own strings come with them.
        DetectionCompareView view;
        bool fit = false;
        for (auto* b : view.findChildren<QPushButton*>())
            fit |= b->text() == QStringLiteral("适应窗口");
        QVERIFY(fit);
    }

    void cleanupTestCase() { AppSettings::setLanguage(QString()); }
};

QTEST_MAIN(TranslationTest)
#include "TranslationTest.moc"
