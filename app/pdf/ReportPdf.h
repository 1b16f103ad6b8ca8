// The report as PDF, through Qt's printing (QTextDocument on a QPdfWriter), paginated by measuring:
// headings stay with what follows them and pictures with their captions. Needs a QGuiApplication;
// the CLI makes an offscreen one.
#pragma once

#include <functional>
#include <string>

#include "report/HtmlReport.h"
#include "util/Result.h"

class QString;
class QTextDocument;

namespace ql {

enum class ReportPage { A4, Letter };

Status writeReportPdf(const ReportContent& content, const std::string& path, const std::vector<std::string>& protectedInputs = {},
                      ReportPage page = ReportPage::A4);

// Sets `html` on `document` (its page size set) with a page break before each heading (or picture)
// that would otherwise end a page apart from the block that follows it. Returns the breaks added.
// `addResources` puts the pictures back after each setHtml (which clears them).
int keepWithNext(QTextDocument& document, const QString& html, const std::function<void(QTextDocument&)>& addResources = {});

}  // namespace ql
