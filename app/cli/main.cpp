// quantlens-cli: every analysis of the GUI from the command line, on the same backend.
#include <CLI/CLI.hpp>

#include "CompareCommand.h"
#include "DetectCommands.h"
#include "ExplainCommand.h"
#include "InspectCommand.h"
#include "QuantizeCommand.h"
#include "ReportCommand.h"
#include "SensitivityCommands.h"
#include "StudyCommand.h"
#include "util/BuildInfo.h"

int main(int argc, char** argv) {
    CLI::App app{"QuantLens: where does INT8 quantization hurt your ONNX detector, and what to exclude"};
    app.set_version_flag("--version", ql::versionText("quantlens-cli"));
    app.require_subcommand(1);
    int exitCode = 0;
    ql::cli::addInspectCommand(app, exitCode);
    ql::cli::addCompareCommand(app, exitCode);
    ql::cli::addDetectCommand(app, exitCode);
    ql::cli::addEvalCommand(app, exitCode);
    ql::cli::addExplainCommand(app, exitCode);
    ql::cli::addQuantizeCommand(app, exitCode);
    ql::cli::addSensitivityCommand(app, exitCode);
    ql::cli::addSuggestCommand(app, exitCode);
    ql::cli::addReportCommand(app, exitCode);
    ql::cli::addStudyCommand(app, exitCode);
    CLI11_PARSE(app, argc, argv);
    return exitCode;
}
