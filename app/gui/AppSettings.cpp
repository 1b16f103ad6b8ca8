#include "AppSettings.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QPainter>
#include <QPalette>
#include <QProxyStyle>
#include <QStyleOption>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QTranslator>

namespace ql::AppSettings {
namespace {

// Fusion outlines tick boxes and radio buttons in the window colour darkened by 40%: on a dark
// base that outline all but vanishes (a row's "Float" box, an option in a dialog), so an
// unticked box cannot be told from empty space. On a dark palette this frames them in a grey
// halfway between text and base; everything else is Fusion's own.
class ReadableIndicatorStyle : public QProxyStyle {
public:
    ReadableIndicatorStyle() : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion"))) {}

    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget) const override {
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        const bool box = element == PE_IndicatorCheckBox || element == PE_IndicatorItemViewItemCheck;
        const bool radio = element == PE_IndicatorRadioButton;
        const QColor base = option->palette.base().color();
        if ((!box && !radio) || base.lightness() >= 128)
            return;
        const QColor text = option->palette.text().color();
        const QColor frame((text.red() + base.red()) / 2, (text.green() + base.green()) / 2, (text.blue() + base.blue()) / 2);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing, radio);
        painter->setPen(QPen(frame, 1));
        painter->setBrush(Qt::NoBrush);
        const QRect r = option->rect.adjusted(0, 0, -1, -1);
        if (radio)
            painter->drawEllipse(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5));
        else
            painter->drawRect(r);
        painter->restore();
    }
};

}  // namespace

Theme theme() { return static_cast<Theme>(QSettings().value(QStringLiteral("ui/theme"), 0).toInt()); }

void setTheme(Theme theme) { QSettings().setValue(QStringLiteral("ui/theme"), static_cast<int>(theme)); }

void applyTheme(Theme theme) {
    // Fusion draws the same on every platform and honours a custom palette fully.
    QApplication::setStyle(new ReadableIndicatorStyle);
    if (theme != Theme::Dark) {
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(220, 220, 220), highlight(42, 130, 218);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(80, 80, 84));
    // Placeholders ("Filter by name...") and links keep Qt's light-theme colours unless set:
    // dark grey and dark blue, unreadable on this base.
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 155));
    p.setColor(QPalette::Link, QColor(110, 170, 255));
    p.setColor(QPalette::Light, QColor(75, 75, 80));
    p.setColor(QPalette::Dark, QColor(20, 20, 22));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
    QApplication::setPalette(p);
}

QString language() { return QSettings().value(QStringLiteral("ui/language")).toString(); }

void setLanguage(const QString& code) { QSettings().setValue(QStringLiteral("ui/language"), code); }

QString installTranslator(QCoreApplication& app) {
    const QString chosen = language();
    const QLocale locale = chosen.isEmpty() ? QLocale::system() : QLocale(chosen);
    auto* ours = new QTranslator(&app);
    if (ours->load(locale, QStringLiteral("quantlens"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        app.installTranslator(ours);
        auto* qt = new QTranslator(&app);  // Qt's own dialogs and buttons
        if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            app.installTranslator(qt);
        return locale.name();
    }
    delete ours;
    return QStringLiteral("en");
}

}  // namespace ql::AppSettings
