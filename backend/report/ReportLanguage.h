// The language the stakeholder report is written in (English or Simplified Chinese), and the one
// catalog of its texts: each English text the report and its verdict use, with its Chinese. No Qt,
// so the CLI and the app write the same report; the terms follow translations/quantlens_zh_CN.ts.
#pragma once

#include <string>
#include <vector>

#include "util/Result.h"

namespace ql {

enum class ReportLanguage { English, Chinese };

// "en", "zh_CN" or "zh"; anything else is an error naming the accepted codes.
Result<ReportLanguage> parseReportLanguage(const std::string& code);
std::string reportLanguageCode(ReportLanguage language);  // "en", "zh_CN"
std::string htmlLanguageTag(ReportLanguage language);     // "en", "zh-CN" (for <html lang>)

// The text in `language`: `english` itself in English, its catalog translation in Chinese (or
// `english` again when the catalog lacks it; the tests keep the catalog complete). Texts with
// figures hold placeholders {0}, {1}, ... filled by fillText, so a translation may reword freely.
const char* reportText(ReportLanguage language, const char* english);

// `pattern` with {0}..{9} replaced by args[0]..args[9]; a placeholder with no argument stays.
std::string fillText(const std::string& pattern, const std::vector<std::string>& args);

// reportText, then fillText.
std::string reportText(ReportLanguage language, const char* english, const std::vector<std::string>& args);

struct ReportTextEntry {
    const char* english;
    const char* chinese;
};
const std::vector<ReportTextEntry>& reportCatalog();  // every text, for the tests

}  // namespace ql
