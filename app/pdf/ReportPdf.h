// The report as PDF, through Qt's printing (QTextDocument on a QPdfWriter). Needs a
// QGuiApplication; the CLI makes an offscreen one.
#pragma once

#include <string>

#include "report/HtmlReport.h"
#include "util/Result.h"

namespace ql {

Status writeReportPdf(const ReportContent& content, const std::string& path, const std::vector<std::string>& protectedInputs = {});

}  // namespace ql
