// Application-wide preferences: theme (light/dark palette) and interface language.
#pragma once

#include <QString>

class QCoreApplication;
class QTranslator;

namespace ql {

enum class Theme { System, Light, Dark };

namespace AppSettings {

Theme theme();
void setTheme(Theme theme);
void applyTheme(Theme theme);

QString language();  // "" follows the system locale
void setLanguage(const QString& code);
// Installs the translation for the chosen (or system) language; returns the language used.
QString installTranslator(QCoreApplication& app);

}  // namespace AppSettings
}  // namespace ql
