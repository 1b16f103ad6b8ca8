#include "MainWindow.h"

#include "StudyDialog.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFrame>
#include <QHBoxLayout>
#include <QPointer>
#include <QFileDialog>
#include <QDir>
#include <QFileInfo>
#include <QDialog>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>
#include <fstream>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QGuiApplication>
#include <QScreen>
#include <QSettings>
#include <QSignalBlocker>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>

#include "ActivationErrorModel.h"
#include "BoxExplanationView.h"
#include "BoxSections.h"
#include "DetectionCompareView.h"
#include "GraphPanel.h"
#include "GraphView.h"
#include "AppSettings.h"
#include "QuantizationSettingsDialog.h"
#include "report/DetectionReport.h"
#include "SuggestOptionsDialog.h"
#include "SuggestionDialog.h"
#include "HistogramPlot.h"
#include "LayerTable.h"
#include "ModelSummaryView.h"
#include "NodeDetailsView.h"
#include "OutputSummaryView.h"
#include "PresentationView.h"
#include "util/BuildInfo.h"
#include "RunsView.h"
#include "WeightErrorModel.h"
#include "report/InspectReport.h"
#include "preprocess/ImagePreprocessor.h"
#include "quantize/NodeList.h"
#include "util/AtomicFile.h"

namespace ql {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), workspace_(new Workspace(this)), tabs_(new QTabWidget(this)), graphPanel_(new GraphPanel(workspace_, this)),
      detectionView_(new DetectionCompareView(this)), boxTrace_(new BoxTraceView(this)), boxFix_(new BoxFixView(this)),
      exclusionList_(new QListWidget(this)), layerTable_(new LayerTable(this)),
      activationTable_(new LayerTable(this)), outputSummary_(new OutputSummaryView(this)),
      fp32View_(new ModelSummaryView(this)), quantView_(new ModelSummaryView(this)),
      histograms_(new HistogramPlot(this)), nodeView_(new NodeDetailsView(this)), runsView_(new RunsView(this)),
      banner_(new QFrame(this)), bannerText_(new QLabel(this)), statusLabel_(new QLabel(this)), busyBar_(new QProgressBar(this)),
      cancelButton_(new QToolButton(this)) {
    setWindowIcon(QIcon(QStringLiteral(":/icons/quantlens.png")));
    setAcceptDrops(true);
    tabs_->setObjectName(QStringLiteral("mainTabs"));
    tabs_->addTab(graphPanel_, tr("Graph"));
    tabs_->addTab(activationTable_, tr("Activations"));
    tabs_->addTab(layerTable_, tr("Weights"));
    tabs_->addTab(detectionView_, tr("Detections"));
    connect(tabs_->tabBar(), &QTabBar::tabBarClicked, this, [this] { userChoseTab_ = true; });
    {
        // Above the tabs: a banner while the exclusion list differs from the shown model's.
        auto* frame = static_cast<QFrame*>(banner_);
        frame->setFrameShape(QFrame::StyledPanel);
        frame->setObjectName(QStringLiteral("exclusionBanner"));
        frame->setStyleSheet(QStringLiteral("#exclusionBanner { background: #fff4ce; border: 1px solid #e0c060; } "
                                            "#exclusionBanner QLabel { color: #3a2e00; }"));
        auto* requantizeNow = new QPushButton(tr("Re-quantize"), frame);
        auto* bannerLayout = new QHBoxLayout(frame);
        bannerLayout->setContentsMargins(8, 4, 8, 4);
        bannerText_->setParent(frame);
        bannerText_->setWordWrap(true);
        bannerLayout->addWidget(bannerText_, 1);
        bannerLayout->addWidget(requantizeNow);
        connect(requantizeNow, &QPushButton::clicked, workspace_, [this] { workspace_->requantize(); });
        banner_->hide();
        auto* central = new QWidget(this);
        auto* centralLayout = new QVBoxLayout(central);
        centralLayout->setContentsMargins(0, 0, 0, 0);
        centralLayout->setSpacing(2);
        centralLayout->addWidget(banner_);
        centralLayout->addWidget(tabs_, 1);
        setCentralWidget(central);
    }
    layerTable_->setModel(workspace_->weightModel(), WeightErrorModel::SortRole, -1);
    activationTable_->setModel(workspace_->activationModel(), ActivationErrorModel::SortRole, -1);
    activationTable_->setHeader(outputSummary_);
    activationTable_->setKeyColumns(ActivationErrorModel::Tensor, ActivationErrorModel::Accumulated);
    layerTable_->setKeyColumns(WeightErrorModel::Name, WeightErrorModel::Sqnr);
    fp32View_->clearSummary(tr("Open an FP32 model (File > Open FP32 Model, or drop an .onnx file here), or try the "
                               "bundled YOLOv8n pair with Help > Open Demo"));
    quantView_->clearSummary(tr("Open a quantized model (File > Open Quantized Model)"));

    busyBar_->setRange(0, 0);
    busyBar_->setMaximumWidth(160);
    busyBar_->hide();
    cancelButton_->setText(tr("Cancel"));
    cancelButton_->hide();
    statusBar()->addWidget(statusLabel_, 1);
    statusBar()->addPermanentWidget(busyBar_);
    statusBar()->addPermanentWidget(cancelButton_);
    connect(cancelButton_, &QToolButton::clicked, workspace_, &Workspace::cancel);

    createDocks();
    createActions();
    updateTitle();

    connect(workspace_, &Workspace::modelChanged, this, &MainWindow::showModel);
    connect(workspace_, &Workspace::busyChanged, this, [this](bool busy, const QString& message) {
        busyBar_->setRange(0, 0);
        busyBar_->setVisible(busy);
        cancelButton_->setVisible(busy);
        statusLabel_->setText(message);
    });
    connect(workspace_, &Workspace::progress, this, [this](int done, int total, const QString& what) {
        busyBar_->setRange(0, total);
        busyBar_->setValue(done);
        if (!what.isEmpty())
            statusLabel_->setText(tr("Comparing activations: %1 (%2 of %3)").arg(QFileInfo(what).fileName()).arg(done + 1).arg(total));
    });
    connect(workspace_, &Workspace::activationsChanged, this, [this] {
        updateRowNodes();  // before a row is selected, so the node panel can follow it
        const auto& report = workspace_->activationModel()->report();
        if (report.outputs.empty())
            outputSummary_->clear();
        else
            outputSummary_->showReport(report);
        activationTable_->fitColumns();
        activationTable_->view()->sortByColumn(ActivationErrorModel::Accumulated, Qt::AscendingOrder);
        QString text = tr("%n quantized activations compared on %1 images", nullptr, static_cast<int>(report.layers.size()))
                           .arg(report.imageCount);
        if (!report.outputs.empty())
            text += tr("; output SQNR %1 dB").arg(QString::fromStdString(formatDb(report.outputs.front().metrics.sqnrDb)));
        if (std::isfinite(outputSqnrBeforeRequantize_) && !report.outputs.empty()) {
            text = tr("Re-quantized: output SQNR %1 dB -> %2 dB")
                       .arg(outputSqnrBeforeRequantize_, 0, 'f', 2)
                       .arg(QString::fromStdString(formatDb(report.outputs.front().metrics.sqnrDb)));
            outputSqnrBeforeRequantize_ = NAN;
        }
        statusLabel_->setText(text);
        // Activations say more than weights, but a tab the user chose stays.
        if (tabs_->currentWidget() == layerTable_ && !userChoseTab_)
            tabs_->setCurrentWidget(activationTable_);
        // The node the user was looking at stays selected, with its new figures; else the worst row.
        if (!restoreSelection()) {
            histograms_->clearHistograms();
            activationTable_->view()->selectRow(0);
        }
        // On the Weights tab the histograms stay those of the weight it shows.
        if (tabs_->currentWidget() == layerTable_ && layerTable_->currentSourceRow() >= 0)
            showWeightHistograms(layerTable_->currentSourceRow());
    });
    connect(activationTable_, &LayerTable::currentSourceRowChanged, this, &MainWindow::showSelectedActivation);
    connect(graphPanel_, &GraphPanel::nodeSelected, this, &MainWindow::selectGraphNode);
    connect(graphPanel_, &GraphPanel::message, statusLabel_, &QLabel::setText);
    connect(detectionView_, &DetectionCompareView::imageActivated, workspace_, &Workspace::detect);
    connect(workspace_, &Workspace::detectionReady, this,
            [this](const QString& path, const QImage& fp32, const QImage& quantized, const QString& summary) {
                detectionView_->showResult(fp32, quantized, summary);
                detectionView_->setBoxes(path, workspace_->detectedBoxes());
                if (pendingExplanation_ && path == pendingExplanation_->image) {
                    const auto asked = *std::exchange(pendingExplanation_, std::nullopt);
                    if (asked.explain)
                        workspace_->explainBoxes(path, asked.box);
                }
            });
    connect(workspace_, &Workspace::imageChangeReady, detectionView_, &DetectionCompareView::setImageChange);
    // Why INT8 lost a box: the box clicked, or every missed and moved one of the image.
    connect(detectionView_, &DetectionCompareView::boxClicked, this, [this](const QString& path, int box) {
        workspace_->explainBoxes(path, detectionView_->boxes().fp32[static_cast<size_t>(box)].box);
    });
    connect(detectionView_, &DetectionCompareView::explainChangedRequested, this,
            [this](const QString& path) { workspace_->explainBoxes(path); });
    connect(workspace_, &Workspace::boxExplained, this, [this](const QString& path) {
        boxFix_->clear();
        detectionView_->showExplanation(path, workspace_->lastExplanation(), workspace_->explanationClassNames());
    });
    detectionView_->explanationView()->addSection(boxTrace_);
    detectionView_->explanationView()->addSection(boxFix_);
    // Where the box was lost: traced in the background after the explanation; the jump's layer is
    // selected in the graph and the tables, and a row double-clicked selects its layer there.
    connect(detectionView_->explanationView(), &BoxExplanationView::boxShown, this, &MainWindow::showBoxTrace);
    connect(workspace_, &Workspace::boxesTraced, this, [this](const QString& path) {
        if (path != detectionView_->currentImage())
            return;
        showBoxTrace(detectionView_->explanationView()->currentBox());
        if (std::exchange(traceWhenShown_, false))  // asked on the command line: the trace is what to see
            detectionView_->explanationView()->scrollTo(boxTrace_);
        if (std::exchange(fixBoxWhenTraced_, false))  // and the fix, started while still busy
            suggestBoxFix(false);
    });
    connect(boxTrace_, &BoxTraceView::layerActivated, this, [this](const QString& node) {
        selectedNodeName_ = node;
        restoreSelection();
    });
    // Fix this box: the suggestion, then a new run with it.
    connect(boxFix_, &BoxFixView::suggestRequested, this, &MainWindow::suggestBoxFix);
    connect(boxFix_, &BoxFixView::cancelRequested, workspace_, &Workspace::cancel);
    connect(boxFix_, &BoxFixView::applyRequested, workspace_, &Workspace::applyBoxFix);
    connect(workspace_, &Workspace::progress, boxFix_, &BoxFixView::setProgress);
    connect(workspace_, &Workspace::boxFixReady, this, [this] {
        const auto& fix = workspace_->lastBoxFix();
        if (!fix)
            return;
        const bool adds = !fix->added.empty();  // nothing to apply when the list stays the model's own
        boxFix_->showResult(BoxFixView::describe(*fix, boxFixTargets_, workspace_->explanationClassNames(),
                                                 workspace_->detectionConfidence()),
                            adds);
        detectionView_->explanationView()->scrollTo(boxFix_);
    });
    connect(workspace_, &Workspace::boxFixFailed, this, [this](const QString& message) {
        if (message.isEmpty())
            boxFix_->clear();  // cancelled
        else
            boxFix_->showProblem(tr("No suggestion: %1").arg(message));
    });
    connect(workspace_, &Workspace::detectionFailed, this, [this](const QString&, const QString& message) {
        detectionView_->showProblem(tr("No detections to compare: %1").arg(message));
    });
    connect(workspace_, &Workspace::activationsChanged, this, [this] {
        // The images compared are the ones to step through with detections.
        std::vector<std::string> paths;
        for (const QString& p : workspace_->images())
            paths.push_back(p.toStdString());
        QStringList files;
        if (auto images = collectImages(paths))
            for (const auto& f : *images)
                files << QString::fromStdString(f);
        if (files.isEmpty()) {
            detectionView_->setImages(files);
            return;
        }
        const QString current = detectionView_->currentImage();
        QString shown = files.contains(current) ? current : files.front();
        if (pendingExplanation_) {  // the image asked for, by path or file name
            for (const QString& f : files)
                if (!pendingExplanation_->image.isEmpty() &&
                    (f == pendingExplanation_->image || QFileInfo(f).fileName() == pendingExplanation_->image))
                    shown = f;
            pendingExplanation_->image = shown;
        }
        detectionView_->setImages(files, shown);
        workspace_->detect(shown);
        // The list's figures: the comparison just run matched both models' detections on every
        // image; only when it could not read them as detections are the images run again.
        const auto& fidelity = workspace_->activationModel()->report().fidelity;
        if (fidelity && fidelity->imageMatches.size() == static_cast<size_t>(files.size())) {
            for (const ImageMatch& m : fidelity->imageMatches)
                detectionView_->setImageChange(QString::fromStdString(m.path), imageChange(m.match));
        } else {
            workspace_->rankImages(files);
        }
    });
    // A new layout starts with nothing selected: the selection (the user's, or an opened
    // project's) is made again.
    connect(graphPanel_, &GraphPanel::layoutFinished, this, &MainWindow::restoreSelection);
    connect(nodeView_, &NodeDetailsView::exclusionToggled, workspace_, &Workspace::toggleExclusion);
    // A group of the graph: its summary in the node panel; its tick box excludes its nodes (FP32 names).
    const auto showGroup = [this](GraphView* view, int group) {
        const GroupTree* tree = view->groups();
        if (!tree || group < 0 || group >= static_cast<int>(tree->groups.size()))
            return;
        const QString path = QString::fromStdString(tree->groups[static_cast<size_t>(group)].path);
        GraphView* fp32 = graphPanel_->fp32View();
        const int fp32Group = fp32->groups() ? fp32->groups()->findGroup(path.toStdString()) : -1;
        GraphView* shown = workspace_->model(Workspace::Slot::Fp32) && fp32Group >= 0 ? fp32 : view;
        const int g = shown == fp32 && fp32Group >= 0 ? fp32Group : group;
        const QStringList names = shown == fp32 ? shown->quantizableNodesOf(g) : QStringList();
        const bool all = !names.isEmpty() && std::all_of(names.begin(), names.end(), [this](const QString& n) { return workspace_->isExcluded(n); });
        const HeatScale scale = heatScale(graphPanel_->heatMetric());
        nodeView_->setGroup(path, shown->groupSummary(g), scale.title, names, all, scale.format);
    };
    connect(graphPanel_, &GraphPanel::groupSelected, this, showGroup);
    // Another heat metric (or a new comparison): the group on show gets its figures again.
    connect(graphPanel_, &GraphPanel::heatChanged, this, [this, showGroup] {
        const QString path = nodeView_->groupPath();
        GraphView* view = graphPanel_->fp32View()->groups() ? graphPanel_->fp32View() : graphPanel_->quantizedView();
        if (path.isEmpty() || !view->groups())
            return;
        if (const int g = view->groups()->findGroup(path.toStdString()); g >= 0)
            showGroup(view, g);
    });
    connect(nodeView_, &NodeDetailsView::groupExclusionRequested, workspace_, &Workspace::excludeNodes);
    connect(nodeView_, &NodeDetailsView::precisionRequested, this, [this](const QString& node, int precision) {
        workspace_->setNodePrecision({node}, static_cast<Workspace::Precision>(precision));
    });
    connect(workspace_->weightModel(), &ExcludableRowsModel::exclusionToggleRequested, workspace_, &Workspace::toggleExclusion);
    connect(workspace_->activationModel(), &ExcludableRowsModel::exclusionToggleRequested, workspace_, &Workspace::toggleExclusion);
    connect(workspace_, &Workspace::exclusionsChanged, this, [this] {
        exclusionList_->clear();
        for (const auto& n : workspace_->exclusions())
            exclusionList_->addItem(QString::fromStdString(n));
        const QSet<QString> excluded = workspace_->exclusionSet();
        workspace_->weightModel()->setExcluded(excluded);
        workspace_->activationModel()->setExcluded(excluded);
        const QSet<QString> int16 = workspace_->int16Nodes();
        workspace_->weightModel()->setInt16(int16);
        workspace_->activationModel()->setInt16(int16);
        if (const QStringList group = nodeView_->groupNodes(); !nodeView_->groupPath().isEmpty())
            nodeView_->setExcluded(!group.isEmpty() && std::all_of(group.begin(), group.end(), [this](const QString& n) { return workspace_->isExcluded(n); }));
        else
            nodeView_->setExcluded(workspace_->isExcluded(nodeView_->nodeName()));
        if (!nodeView_->nodeName().isEmpty())
            nodeView_->setPrecision(static_cast<int>(workspace_->nodePrecision(nodeView_->nodeName())));
    });
    connect(workspace_, &Workspace::requantized, this, [this](double before) { outputSqnrBeforeRequantize_ = before; });
    connect(workspace_, &Workspace::runsChanged, this, &MainWindow::showRuns);
    connect(workspace_, &Workspace::exclusionsChanged, this, &MainWindow::updateBanner);
    connect(runsView_, &RunsView::showRunRequested, workspace_, &Workspace::showRun);
    connect(runsView_, &RunsView::exportCsvRequested, this, &MainWindow::exportRunsCsv);
    connect(workspace_, &Workspace::suggestionReady, this, &MainWindow::showSuggestion);
    connect(workspace_, &Workspace::reportWritten, this, [this](const QString& path) {
        statusLabel_->setText(tr("Wrote %1").arg(path));
    });
    connect(workspace_, &Workspace::errorOccurred, this, [this](const QString& message) {
        QMessageBox::warning(this, tr("QuantLens"), message);
    });
    connect(workspace_, &Workspace::weightsChanged, this, [this] {
        updateRowNodes();
        const int n = workspace_->weightModel()->rowCount();
        layerTable_->fitColumns();
        if (n)
            statusLabel_->setText(tr("%n quantized weights compared", nullptr, n));
        if (n > 0 && tabs_->currentWidget() == layerTable_)
            layerTable_->view()->selectRow(0);
    });
    connect(layerTable_, &LayerTable::currentSourceRowChanged, this, &MainWindow::showSelectedWeight);

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry"))) {
        // 1400x860 where it fits; on a smaller screen (a 1366x768 laptop or projector) the window
        // takes the available area instead of running off it.
        QSize size(1400, 860);
        if (const QScreen* screen = QGuiApplication::primaryScreen())
            size = size.boundedTo(screen->availableGeometry().size());
        resize(size);
    }
}

void MainWindow::createDocks() {
    auto addDock = [this](QWidget* widget, const QString& title, const QString& objectName, Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(objectName);
        dock->setWidget(widget);
        addDockWidget(area, dock);
        return dock;
    };
    auto* fp32 = addDock(fp32View_, tr("FP32 Model"), QStringLiteral("fp32Dock"), Qt::LeftDockWidgetArea);
    auto* quant = addDock(quantView_, tr("Quantized Model"), QStringLiteral("quantDock"), Qt::LeftDockWidgetArea);
    tabifyDockWidget(fp32, quant);
    fp32->raise();
    auto* node = addDock(nodeView_, tr("Node"), QStringLiteral("nodeDock"), Qt::RightDockWidgetArea);
    auto* histograms = addDock(histograms_, tr("Histograms"), QStringLiteral("histogramDock"), Qt::RightDockWidgetArea);
    splitDockWidget(node, histograms, Qt::Vertical);
    auto* exclusionPanel = new QWidget(this);
    auto* requantize = new QPushButton(tr("Re-quantize"), exclusionPanel);
    auto* exportList = new QPushButton(tr("Export List..."), exclusionPanel);
    auto* panelLayout = new QVBoxLayout(exclusionPanel);
    auto* hint = new QLabel(tr("Tick nodes in the Node panel or the tables, or right-click them in the graph, to exclude them."),
                            exclusionPanel);
    hint->setWordWrap(true);
    panelLayout->addWidget(hint);
    panelLayout->addWidget(exclusionList_, 1);
    panelLayout->addWidget(requantize);
    panelLayout->addWidget(exportList);
    connect(requantize, &QPushButton::clicked, workspace_, [this] { workspace_->requantize(); });
    connect(exportList, &QPushButton::clicked, this, &MainWindow::exportExclusions);
    auto* exclusions = addDock(exclusionPanel, tr("Excluded Nodes"), QStringLiteral("exclusionDock"), Qt::RightDockWidgetArea);
    tabifyDockWidget(histograms, exclusions);
    histograms->raise();
    auto* runs = addDock(runsView_, tr("Runs"), QStringLiteral("runsDock"), Qt::BottomDockWidgetArea);
    resizeDocks({runs}, {230}, Qt::Vertical);
    resizeDocks({fp32, histograms}, {400, 480}, Qt::Horizontal);
    resizeDocks({node, histograms}, {320, 420}, Qt::Vertical);
}

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openFp32 = file->addAction(tr("Open &FP32 Model..."), this, [this] { openModelDialog(Workspace::Slot::Fp32); });
    openFp32->setShortcut(QKeySequence::Open);
    QAction* openQuant = file->addAction(tr("Open Quantized &Model..."), this, [this] { openModelDialog(Workspace::Slot::Quantized); });
    openQuant->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    QAction* openImages = file->addAction(tr("Open &Images..."), this, &MainWindow::openImagesDialog);
    openImages->setShortcut(QKeySequence(tr("Ctrl+I")));
    file->addAction(tr("Open &Labelled Data Set..."), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open Labelled Data Set"), QString(),
            tr("YOLO data set (*.yaml *.yml);;All files (*)"));
        if (!path.isEmpty())
            workspace_->setDataSet(path);
    });
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    file->addAction(tr("Open &Project..."), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), QSettings().value(QStringLiteral("paths/lastProjectDir")).toString(),
                                                          tr("QuantLens projects (*.qlproj);;All files (*)"));
        if (!path.isEmpty())
            openProject(path);
    });
    QAction* save = file->addAction(tr("&Save Project"), this, [this] {
        if (projectPath_.isEmpty())
            saveProjectAs();
        else
            saveProject(projectPath_);
    });
    save->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save Project &As..."), this, &MainWindow::saveProjectAs)->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    file->addAction(tr("&Export Quantized Model..."), this, &MainWindow::exportQuantizedModel);
    file->addAction(tr("Export E&xclusion List..."), this, &MainWindow::exportExclusions);
    file->addAction(tr("Export Repor&t..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Report"), QStringLiteral("quantlens-report.html"),
                                                          tr("Web page (*.html);;PDF (*.pdf)"));
        if (!path.isEmpty())
            workspace_->exportReport(path);
    });
    file->addSeparator();
    file->addAction(tr("&Close FP32 Model"), this, [this] { workspace_->closeModel(Workspace::Slot::Fp32); });
    file->addAction(tr("Close Qua&ntized Model"), this, [this] {
        if (!workspace_->hasUnsavedModel() || mayDiscardChanges())  // a model made here would be lost
            workspace_->closeModel(Workspace::Slot::Quantized);
    });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = workspace_->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = workspace_->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    // Ctrl+F from anywhere in the window (a table, a dock, the detections): the graph's search.
    QAction* find = edit->addAction(tr("&Find Node..."), this, [this] {
        showTab(QStringLiteral("graph"));
        GraphView* quantized = graphPanel_->quantizedView();  // its own field when it has the focus
        const bool inQuantized = quantized->isVisible() && quantized->isAncestorOf(QApplication::focusWidget());
        (inQuantized ? quantized : graphPanel_->fp32View())->focusSearch();
    });
    find->setObjectName(QStringLiteral("findAction"));
    find->setShortcut(QKeySequence::Find);

    QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
    QAction* compare = analysis->addAction(tr("&Compare Activations"), workspace_, &Workspace::compareActivations);
    compare->setShortcut(QKeySequence(tr("Ctrl+R")));
    analysis->addAction(tr("Re-&quantize with Exclusions"), workspace_, [this] { workspace_->requantize(); })
        ->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    analysis->addAction(tr("Quantization Se&ttings..."), this, &MainWindow::editQuantizationSettings);
    analysis->addAction(tr("Use the &Loaded Model's Settings"), this, &MainWindow::adoptQuantizedModelSettings);
    // Variants and other models scored side by side on the data set (issue 18); a row opens as the quantized model.
    analysis->addAction(tr("Stu&dy..."), this, [this] {
        auto inputs = workspace_->studyInputs();
        if (!inputs)
            return;
        auto* dialog = new StudyDialog(std::move(*inputs), this);
        dialog->setObjectName(QStringLiteral("studyDialog"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &StudyDialog::finished, this, [this, dialog] {
            if (dialog->result())
                workspace_->setStudy(*dialog->result());
        });
        connect(dialog, &StudyDialog::openModelRequested, this,
                [this](const QString& path) { workspace_->openModel(path, Workspace::Slot::Quantized); });
        dialog->show();
    });
    QAction* autoPreprocess = analysis->addAction(tr("Choose Image &Preprocessing Automatically"));
    autoPreprocess->setCheckable(true);
    autoPreprocess->setObjectName(QStringLiteral("autoPreprocessAction"));
    autoPreprocess->setToolTip(tr("Try RGB/BGR, 0-1/0-255, letterbox/top-left/stretch and ImageNet mean/std on the "
                                  "first images and keep the convention whose FP32 detections are most confident"));
    connect(autoPreprocess, &QAction::toggled, workspace_, &Workspace::setAutoPreprocessing);
    connect(nodeView_, &NodeDetailsView::excludeNodesRequested, this,
            [this](const QStringList& names) { workspace_->excludeNodes(names, true); });
    connect(workspace_, &Workspace::preprocessingChanged, this, [this, autoPreprocess] {
        outputSummary_->setPreprocessingNote(workspace_->preprocessingNote());
        autoPreprocess->setChecked(workspace_->autoPreprocessing());  // Quantization Settings may change it
    });
    // The CLI's --layout: how the outputs are read as detections.
    QMenu* head = analysis->addMenu(tr("Detector &Head"));
    head->setObjectName(QStringLiteral("detectorHeadMenu"));
    auto* heads = new QActionGroup(head);
    std::vector<YoloLayout> layouts{YoloLayout::Auto};
    layouts.insert(layouts.end(), knownLayouts().begin(), knownLayouts().end());
    for (const YoloLayout layout : layouts) {
        QAction* a = head->addAction(layout == YoloLayout::Auto ? tr("Automatic (from the output shapes)")
                                                                : QString::fromStdString(layoutName(layout)));
        a->setCheckable(true);
        a->setChecked(layout == YoloLayout::Auto);
        a->setData(static_cast<int>(layout));
        heads->addAction(a);
        connect(a, &QAction::triggered, workspace_, [this, layout] { workspace_->setDetectorHead(layout); });
    }
    connect(workspace_, &Workspace::preprocessingChanged, heads, [this, heads] {  // a project sets it too
        for (QAction* a : heads->actions())
            if (a->data().toInt() == static_cast<int>(workspace_->detectorHead()))
                a->setChecked(true);
    });
    analysis->addAction(tr("&Suggest Exclusions..."), this, &MainWindow::suggestExclusions);
    analysis->addAction(tr("C&ancel"), workspace_, &Workspace::cancel)->setShortcut(QKeySequence(Qt::Key_Escape));

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    QAction* sideBySide = viewMenu_->addAction(tr("&Quantized Graph Beside FP32"));
    sideBySide->setCheckable(true);
    sideBySide->setShortcut(QKeySequence(tr("Ctrl+Shift+G")));
    QAction* fold = viewMenu_->addAction(tr("&Fold Q/DQ Pairs into Edges"));
    fold->setCheckable(true);
    QSettings settings;
    sideBySide->setChecked(settings.value(QStringLiteral("graph/sideBySide"), false).toBool());
    fold->setChecked(settings.value(QStringLiteral("graph/foldQdq"), true).toBool());
    graphPanel_->setFoldQdq(fold->isChecked());
    graphPanel_->setSideBySide(sideBySide->isChecked());
    connect(sideBySide, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("graph/sideBySide"), on);
        graphPanel_->setSideBySide(on);
        showTab(QStringLiteral("graph"));
    });
    connect(fold, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("graph/foldQdq"), on);
        graphPanel_->setFoldQdq(on);
    });
    QAction* present = viewMenu_->addAction(tr("&Present"), workspace_, [this] { workspace_->preparePresentation(); });
    present->setShortcut(QKeySequence(Qt::Key_F5));
    viewMenu_->addAction(tr("Present a &Video..."), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Present a Video"), QString(),
                                                          tr("Videos (*.mp4 *.avi *.mov *.mkv *.webm *.m4v *.mpg *.mpeg);;All files (*)"));
        if (!path.isEmpty())
            workspace_->preparePresentation(8, path);
    });
    connect(workspace_, &Workspace::presentationReady, this,
            [this](const QVector<PresentationSlide>& slides, const QString& headline, const QString& video) {
        auto* view = new PresentationView;  // a window of its own, full screen
        view->setAttribute(Qt::WA_DeleteOnClose);
        view->setWindowTitle(tr("QuantLens presentation"));
        view->setHeadline(headline);
        view->setSlides(slides);
        view->setPlayable(!video.isEmpty());
        connect(view, &PresentationView::closeRequested, view, &QWidget::close);
        connect(view, &PresentationView::playRequested, workspace_, [this, video] { workspace_->playVideo(video); });
        connect(view, &PresentationView::pauseRequested, workspace_, &Workspace::setPlaybackPaused);
        connect(view, &PresentationView::stopRequested, workspace_, &Workspace::stopPlayback);
        connect(view, &QObject::destroyed, workspace_, &Workspace::stopPlayback);
        connect(workspace_, &Workspace::playbackFrame, view, [view](const PresentationSlide& frame) { view->showLiveFrame(frame); });
        connect(workspace_, &Workspace::playbackEnded, view, &PresentationView::playbackEnded);
        view->showFullScreen();
        view->setFocus();
    });
    QMenu* colourBy = viewMenu_->addMenu(tr("&Colour Nodes By"));
    auto* colourGroup = new QActionGroup(this);
    const int savedMetric = settings.value(QStringLiteral("graph/heatMetric"), 0).toInt();
    for (const HeatMetric metric : allHeatMetrics()) {
        QAction* a = colourBy->addAction(heatMetricName(metric));
        a->setCheckable(true);
        colourGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, metric] {
            QSettings().setValue(QStringLiteral("graph/heatMetric"), static_cast<int>(metric));
            graphPanel_->setHeatMetric(metric);
        });
        if (static_cast<int>(metric) == savedMetric) {
            a->setChecked(true);
            graphPanel_->setHeatMetric(metric);
        }
    }
    // The graph's groups, opened to a depth on both sides (as the graph's context menu does).
    QMenu* depthMenu = viewMenu_->addMenu(tr("Expand All Groups to &Depth"));
    depthMenu->setObjectName(QStringLiteral("expandDepthMenu"));
    connect(depthMenu, &QMenu::aboutToShow, this, [this, depthMenu] {
        depthMenu->clear();
        GraphView* view = graphPanel_->fp32View()->groups() ? graphPanel_->fp32View() : graphPanel_->quantizedView();
        const GroupTree* tree = view->groups();
        if (!tree || tree->groups.size() < 2) {
            depthMenu->addAction(tr("No groups in this graph"))->setEnabled(false);
            return;
        }
        for (int d = 1; d <= tree->maxDepth + 1; ++d) {
            QAction* a = depthMenu->addAction(d == tree->maxDepth + 1 ? tr("All (no groups)") : QString::number(d));
            connect(a, &QAction::triggered, this, [view, d] { view->expandToDepth(d); });
        }
    });
    viewMenu_->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        viewMenu_->addAction(dock->toggleViewAction());
    viewMenu_->addSeparator();
    QMenu* theme = viewMenu_->addMenu(tr("&Theme"));
    QMenu* language = viewMenu_->addMenu(tr("&Language"));
    auto* themeGroup = new QActionGroup(this);
    const Theme currentTheme = AppSettings::theme();
    for (auto [value, label] : {std::pair{Theme::System, tr("System")}, {Theme::Light, tr("Light")}, {Theme::Dark, tr("Dark")}}) {
        QAction* a = theme->addAction(label);
        a->setCheckable(true);
        a->setChecked(value == currentTheme);
        themeGroup->addAction(a);
        connect(a, &QAction::triggered, this, [value = value] {
            AppSettings::setTheme(value);
            AppSettings::applyTheme(value);
        });
    }
    auto* languageGroup = new QActionGroup(this);
    const QString currentLanguage = AppSettings::language();
    for (auto [code, label] : {std::pair{QString(), tr("System")}, {QStringLiteral("en"), QStringLiteral("English")},
                               {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}}) {
        QAction* a = language->addAction(label);
        a->setCheckable(true);
        a->setChecked(code == currentLanguage);
        languageGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, code = code] {
            AppSettings::setLanguage(code);
            QMessageBox::information(this, tr("Language"), tr("The new language is used from the next start of QuantLens."));
        });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Open &Demo"), this, [this] {
        if (mayDiscardChanges())  // the demo replaces the models and the exclusions
            workspace_->openDemo();
    });
    help->addAction(tr("&About QuantLens"), this, [this] {
        QMessageBox::about(this, tr("About QuantLens"),
                           tr("<h3>QuantLens %1</h3><p>Where does INT8 quantization hurt your ONNX detector, "
                              "how much, and what to exclude to fix it.</p>")
                                   .arg(QApplication::applicationVersion()) +
                               QStringLiteral("<p><small>%1</small></p>")
                                   .arg(QString::fromStdString(versionText("quantlens")).toHtmlEscaped().replace(
                                       QLatin1Char('\n'), QStringLiteral("<br>"))));
    });
}

void MainWindow::openModelDialog(Workspace::Slot slot) {
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("paths/lastModelDir")).toString();
    const QString title = slot == Workspace::Slot::Fp32 ? tr("Open FP32 Model") : tr("Open Quantized Model");
    const QString path = QFileDialog::getOpenFileName(this, title, dir, tr("ONNX models (*.onnx);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("paths/lastModelDir"), QFileInfo(path).absolutePath());
    if (workspace_->hasUnsavedModel() && !mayDiscardChanges())
        return;  // the re-quantized model would be replaced, or no longer match its FP32 model, unsaved
    addRecentFile(path);
    workspace_->openModel(path, slot);
}

void MainWindow::openFiles(const QStringList& paths) {
    // A model dropped or picked from Open Recent may replace a re-quantized model never saved:
    // asked once for them all (a project asks for itself).
    const bool opensModels = std::any_of(paths.begin(), paths.end(), [](const QString& p) {
        return !p.endsWith(QStringLiteral(".qlproj"), Qt::CaseInsensitive);
    });
    if (opensModels && workspace_->hasUnsavedModel() && !mayDiscardChanges())
        return;
    for (const QString& path : paths) {
        if (path.endsWith(QStringLiteral(".qlproj"), Qt::CaseInsensitive)) {
            openProject(path);
            continue;
        }
        addRecentFile(path);
        workspace_->openModel(path);
    }
}

void MainWindow::openProject(const QString& path) {
    if (!mayDiscardChanges())
        return;
    auto project = loadProject(path.toStdString());
    if (!project) {
        QMessageBox::warning(this, tr("QuantLens"), QString::fromStdString(project.errorMessage()));
        return;
    }
    QSettings().setValue(QStringLiteral("paths/lastProjectDir"), QFileInfo(path).absolutePath());
    addRecentFile(path);
    projectPath_ = QFileInfo(path).absoluteFilePath();
    selectedNodeName_ = QString::fromStdString(project->selectedNode);  // selected once the graph is laid out
    workspace_->openProject(*project);
    updateTitle();
}

bool MainWindow::saveProject(const QString& path) {
    Project project = workspace_->project();
    project.selectedNode = selectedNodeName_.toStdString();
    if (auto st = ql::saveProject(project, path.toStdString()); !st) {
        QMessageBox::warning(this, tr("QuantLens"), QString::fromStdString(st.errorMessage()));
        return false;
    }
    projectPath_ = QFileInfo(path).absoluteFilePath();
    workspace_->markSaved();
    addRecentFile(projectPath_);
    statusLabel_->setText(tr("Saved project %1").arg(projectPath_));
    updateTitle();
    return true;
}

bool MainWindow::mayDiscardChanges() {
    if (!workspace_->hasUnsavedChanges())
        return true;
    const auto answer = QMessageBox::question(
        this, tr("Unsaved Changes"),
        tr("The exclusions or the re-quantized model changed since the project was last saved. Save the project?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel)
        return false;
    if (answer == QMessageBox::Discard)
        return true;
    return projectPath_.isEmpty() ? saveProjectAs() : saveProject(projectPath_);
}

bool MainWindow::saveProjectAs() {
    QString suggested = projectPath_;
    if (suggested.isEmpty())
        if (const auto* m = workspace_->model(Workspace::Slot::Fp32); m && !m->analyzed.model.path().empty())
            suggested = QFileInfo(QString::fromStdString(m->analyzed.model.path())).dir().filePath(QStringLiteral("quantlens.qlproj"));
    QString path = QFileDialog::getSaveFileName(this, tr("Save Project"), suggested, tr("QuantLens projects (*.qlproj)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(QStringLiteral(".qlproj"), Qt::CaseInsensitive))
        path += QStringLiteral(".qlproj");
    return saveProject(path);
}

void MainWindow::editQuantizationSettings() {
    QuantizationSettingsDialog dialog(*workspace_, this);
    if (dialog.exec() == QDialog::Accepted)
        dialog.applyTo(*workspace_);
}

void MainWindow::addRecentFile(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("paths/recentModels")).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > 10)
        recent.removeLast();
    settings.setValue(QStringLiteral("paths/recentModels"), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value(QStringLiteral("paths/recentModels")).toStringList();
    for (const QString& path : recent)
        recentMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] { openFiles({path}); })->setToolTip(path);
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::showModel(Workspace::Slot slot) {
    ModelSummaryView* view = slot == Workspace::Slot::Fp32 ? fp32View_ : quantView_;
    if (slot == Workspace::Slot::Quantized)
        exportedQuantizedPath_.clear();
    // The histograms were of the previous model: they come back with the new comparison.
    histograms_->clearHistograms();
    if (const auto* fp32 = workspace_->model(Workspace::Slot::Fp32);
        !fp32 || fp32->analyzed.model.graph().findNode(selectedNodeName_.toStdString()) < 0)
        nodeView_->clearNode();  // a node of a model no longer open
    if (const auto* m = workspace_->model(slot)) {
        view->setSummary(m->summary, m->analyzed.model.path().empty() ? modelLabel(slot, false) : QString());
        if (auto* dock = qobject_cast<QDockWidget*>(view->parentWidget()))
            dock->raise();
    } else {
        view->clearSummary(tr("No model"));
    }
    graphPanel_->showModels();
    updateTitle();
}

void MainWindow::openImagesDialog() {
    QSettings settings;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of Images to Compare On"),
                                                          settings.value(QStringLiteral("paths/lastImageDir")).toString());
    if (dir.isEmpty())
        return;
    settings.setValue(QStringLiteral("paths/lastImageDir"), dir);
    workspace_->setImages({dir});
}

void MainWindow::showSelectedActivation(int row) {
    showActivationHistograms(row);
    followTableRow(workspace_->activationModel()->rowNode(row));
}

void MainWindow::showActivationHistograms(int row) {
    const ActivationError* l = workspace_->activationModel()->layerAt(row);
    if (!l)
        histograms_->clearHistograms();
    else if (!l->problem.empty())
        histograms_->clearHistograms(tr("%1\nno histograms: %2").arg(QString::fromStdString(l->name), QString::fromStdString(l->problem)));
    else
        histograms_->setHistograms(l->histograms, QString::fromStdString(l->name));
}

void MainWindow::showWeightHistograms(int row) {
    const WeightError* w = workspace_->weightModel()->weightAt(row);
    if (!w)
        histograms_->clearHistograms();
    else if (!w->problem.empty())
        histograms_->clearHistograms(tr("%1\nno histograms: %2").arg(QString::fromStdString(w->name), QString::fromStdString(w->problem)));
    else
        histograms_->setHistograms(w->histograms, QString::fromStdString(w->name));
}

bool MainWindow::restoreSelection() {
    const auto* fp32 = workspace_->model(Workspace::Slot::Fp32);
    const int node = fp32 && !selectedNodeName_.isEmpty() ? fp32->analyzed.model.graph().findNode(selectedNodeName_.toStdString()) : -1;
    if (node < 0)
        return false;
    graphPanel_->selectFp32Node(node);
    selectGraphNode(node);
    return true;
}

void MainWindow::followTableRow(const QString& nodeName) {
    const auto* fp32 = workspace_->model(Workspace::Slot::Fp32);
    const int node = fp32 && !nodeName.isEmpty() ? fp32->analyzed.model.graph().findNode(nodeName.toStdString()) : -1;
    if (node < 0)
        return;
    selectedNodeName_ = nodeName;
    graphPanel_->selectFp32Node(node);
    showNode(node);
}

void MainWindow::adoptQuantizedModelSettings() {
    const auto inferred = workspace_->adoptQuantizedModelSettings();
    if (!inferred)
        return;
    const QuantizerSettings& s = inferred->settings;
    QString text = tr("Read back from the quantized model and set for Re-quantize:") + QStringLiteral("<ul><li>") +
                   tr("activations %1, weights %2, %3, %4 weights, biases %5")
                       .arg(QString::fromStdString(quantTypeName(s.activationType)),
                            QString::fromStdString(quantTypeName(s.weightType)),
                            s.perChannel ? tr("per channel") : tr("per tensor"),
                            s.effectiveWeightSymmetric() ? tr("symmetric") : tr("asymmetric"),
                            s.quantizeBias ? tr("quantized") : tr("float")) +
                   QStringLiteral("</li><li>") +
                   tr("op types: %1").arg(QString::fromStdString(toPythonList(s.opTypesToQuantize)).toHtmlEscaped()) +
                   QStringLiteral("</li><li>") +
                   tr("%n node(s) it left float, now the exclusion list (Edit > Undo restores the previous one)", nullptr,
                      static_cast<int>(s.nodesToExclude.size())) +
                   QStringLiteral("</li></ul>");
    for (const auto& note : inferred->notes)
        text += QStringLiteral("<p>") + QString::fromStdString(note).toHtmlEscaped() + QStringLiteral("</p>");
    QMessageBox::information(this, tr("Settings of the Loaded Model"), text);
}

void MainWindow::suggestExclusions() {
    const auto images = workspace_->imageFiles();
    const int imageCount = images ? static_cast<int>(images->size()) : 0;
    SuggestOptionsDialog dialog(workspace_->suggestionRequest(), imageCount, static_cast<int>(workspace_->exclusions().size()),
                                workspace_->dataSetImages(), this);
    if (dialog.exec() == QDialog::Accepted)
        workspace_->suggestExclusions(dialog.request());
}

void MainWindow::showSuggestion() {
    const auto& suggestion = workspace_->lastSuggestion();
    if (!suggestion)
        return;
    SuggestionDialog dialog(*suggestion, workspace_->suggestionRequest(), this);
    const int choice = dialog.exec();
    if (choice == QDialog::Rejected)
        return;
    if (suggestion->nodesInt16.empty())
        workspace_->applyExclusions(suggestion->nodesToExclude);
    else  // the groups the search moved to INT16 with the float ones, as one step
        workspace_->applyPrecisions(suggestion->nodesToExclude, suggestion->nodesInt16, tr("Apply suggested precisions"));
    if (choice == SuggestionDialog::ApplyAndRequantize)
        workspace_->requantize(RunOrigin::Suggestion);
}

void MainWindow::showRuns() {
    QSet<int> withModel;
    for (const Run& r : workspace_->runs().runs())
        if (workspace_->hasRunModel(r.number))
            withModel.insert(r.number);
    if (const auto& fp32 = workspace_->fp32Accuracy())
        runsView_->setReference(tr("FP32 on the data set: mAP@0.5 %1, mAP@.5:.95 %2 (%3 images).")
                                    .arg(fp32->map50, 0, 'f', 4).arg(fp32->map50to95, 0, 'f', 4).arg(fp32->images));
    else
        runsView_->setReference(workspace_->dataSet().isEmpty() ? QString() : tr("Scoring on %1...").arg(QFileInfo(workspace_->dataSet()).fileName()));
    runsView_->setRuns(workspace_->runs().runs(), workspace_->currentRun(), withModel,
                       [ws = QPointer<Workspace>(workspace_)](int number) {
                           return ws ? ws->runReport(number) : nullptr;
                       });
    // The first baseline goes beside the loaded model, so that drift from the calibration or the
    // settings is seen before an exclusion gets credit for a change.
    const auto& runs = workspace_->runs().runs();
    auto loaded = std::find_if(runs.begin(), runs.end(), [](const Run& r) { return r.origin == RunOrigin::Loaded; });
    auto baseline = std::find_if(runs.begin(), runs.end(), [](const Run& r) { return r.origin == RunOrigin::Baseline; });
    if (!baselineShown_ && loaded != runs.end() && baseline != runs.end() && workspace_->hasRunModel(baseline->number)) {
        baselineShown_ = true;
        runsView_->selectRuns({loaded->number, baseline->number});
        if (auto* dock = qobject_cast<QDockWidget*>(runsView_->parentWidget())) {
            dock->show();
            dock->raise();
        }
    }
    updateBanner();
}

bool MainWindow::bannerShown() const { return !banner_->isHidden(); }
QString MainWindow::bannerText() const { return bannerText_->text(); }

void MainWindow::updateBanner() {
    const ExclusionDiff diff = workspace_->exclusionsSinceCurrentRun();
    banner_->setVisible(!diff.empty());
    if (diff.empty())
        return;
    bannerText_->setText(tr("The exclusion list changed since the model shown was made or loaded (%1 added, %2 removed). "
                            "Its figures are not yet those of the list: re-quantize to see the effect.")
                             .arg(diff.added.size())
                             .arg(diff.removed.size()));
}

void MainWindow::exportRunsCsv() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Runs"), QStringLiteral("quantlens-runs.csv"),
                                                      tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!workspace_->exportRunsCsv(path, &error))
        QMessageBox::warning(this, tr("QuantLens"), error);
}

void MainWindow::showTab(const QString& name) {
    const std::map<QString, QWidget*> tabs = {{QStringLiteral("graph"), graphPanel_},
                                              {QStringLiteral("activations"), activationTable_},
                                              {QStringLiteral("weights"), layerTable_},
                                              {QStringLiteral("detections"), detectionView_}};
    if (auto it = tabs.find(name.toLower()); it != tabs.end()) {
        tabs_->setCurrentWidget(it->second);
        userChoseTab_ = true;
    }
}

void MainWindow::showBoxTrace(int box) {
    const auto& traces = workspace_->boxTraces();
    const auto& e = detectionView_->explanationView()->explanation();
    const BoxExplanation* shown = detectionView_->explanationView()->current();
    if (shown) {  // "for this box" only for a box INT8 lost or moved; "all missed" when any was missed
        const bool anyMissed = std::any_of(e.boxes.begin(), e.boxes.end(), [](const BoxExplanation& b) { return b.missed; });
        boxFix_->setAvailable(shown->outcome != BoxOutcome::Kept, anyMissed);
    }
    if (box < 0 || !shown) {
        boxTrace_->clear();
        return;
    }
    if (traces.size() != e.boxes.size()) {
        boxTrace_->showPending();
        return;
    }
    const Workspace::TracedBox& t = traces[static_cast<size_t>(box)];
    if (!t.trace) {
        boxTrace_->showProblem(t.problem);
        return;
    }
    boxTrace_->showTrace(*t.trace, t.dfl, t.dflProblem);
    if (t.trace->jumpLayer >= 0) {  // the layer where it was lost, in the graph and the tables
        selectedNodeName_ = QString::fromStdString(t.trace->layers[static_cast<size_t>(t.trace->jumpLayer)].node);
        restoreSelection();
    }
}

void MainWindow::suggestBoxFix(bool allMissed) {
    const BoxExplanation* shown = detectionView_->explanationView()->current();
    const auto& e = detectionView_->explanationView()->explanation();
    boxFixTargets_.clear();
    if (allMissed) {
        for (const auto& b : e.boxes)
            if (b.missed)
                boxFixTargets_.push_back(b.fp32);
    } else if (shown) {
        boxFixTargets_.push_back(shown->fp32);
    }
    if (boxFixTargets_.empty())
        return;
    boxFix_->showRunning(tr("Suggesting exclusions..."));
    workspace_->suggestBoxFix(detectionView_->currentImage(), boxFixTargets_);
}

void MainWindow::explainWhenShown(const QString& image, std::optional<Box> fp32Box, bool fixBox) {
    pendingExplanation_ = PendingExplanation{image, fp32Box, true};
    fixBoxWhenTraced_ = fixBox;
    traceWhenShown_ = true;
}

void MainWindow::showDetectionImage(const QString& image) { pendingExplanation_ = PendingExplanation{image, std::nullopt, false}; }

void MainWindow::selectGraphNode(int node) {
    const auto* fp32 = workspace_->model(Workspace::Slot::Fp32);
    if (!fp32)
        return;
    selectedNodeName_ = QString::fromStdString(fp32->analyzed.model.graph().node(node).name);
    showNode(node);
    const Graph& g = fp32->analyzed.model.graph();
    const auto& layers = workspace_->activationModel()->report().layers;
    for (size_t i = 0; i < layers.size(); ++i)
        if (g.producer(layers[i].fp32Name) == node) {
            // The table follows the graph without leading it back: the node is already shown.
            const QSignalBlocker quiet(activationTable_);
            activationTable_->selectSourceRow(static_cast<int>(i));
            showActivationHistograms(static_cast<int>(i));
            return;
        }
    // No output of this node was compared: the histograms of a quantized weight it reads, or
    // none (never the previous node's).
    const auto& weights = workspace_->weightModel()->weights();
    for (size_t i = 0; i < weights.size(); ++i) {
        const auto& readers = g.consumers(weights[i].fp32Name);
        if (std::find(readers.begin(), readers.end(), node) != readers.end()) {
            showWeightHistograms(static_cast<int>(i));
            return;
        }
    }
    // Said in the plot, not the status bar: that keeps the last result (re-quantized: a -> b dB).
    histograms_->clearHistograms(tr("%1\nno histograms: none of its tensors was compared").arg(selectedNodeName_));
}

void MainWindow::showNode(int node) {
    const auto* fp32 = workspace_->model(Workspace::Slot::Fp32);
    if (!fp32 || node < 0) {
        nodeView_->clearNode();
        return;
    }
    const auto* quant = workspace_->model(Workspace::Slot::Quantized);
    const QdqStructure* qdq = quant && quant->analyzed.qdq.format == QuantFormat::QDQ ? &quant->analyzed.qdq : nullptr;
    const auto& report = workspace_->activationModel()->report();
    const NodeDetails details = describeNode(fp32->analyzed.model.graph(), node, qdq, report.layers.empty() ? nullptr : &report,
                                             qdq ? &quant->analyzed.model.graph() : nullptr);
    nodeView_->setNode(details, workspace_->isExcluded(QString::fromStdString(details.name)));
    nodeView_->setPrecision(static_cast<int>(workspace_->nodePrecision(QString::fromStdString(details.name))));
}

// Each table row's FP32 node, for the tick boxes: an activation's producer, a weight's consumer.
void MainWindow::updateRowNodes() {
    const auto* fp32 = workspace_->model(Workspace::Slot::Fp32);
    QStringList activationNodes, weightNodes;
    if (fp32) {
        const Graph& g = fp32->analyzed.model.graph();
        auto nameOf = [&g](int node) { return node < 0 ? QString() : QString::fromStdString(g.node(node).name); };
        for (const auto& l : workspace_->activationModel()->report().layers)
            activationNodes << nameOf(g.producer(l.fp32Name));
        for (const auto& w : workspace_->weightModel()->weights()) {
            const auto& readers = g.consumers(w.fp32Name);
            weightNodes << nameOf(readers.empty() ? -1 : readers.front());
        }
    }
    // The ticks follow: the models keep the exclusions, which exclusionsChanged updates.
    workspace_->activationModel()->setRowNodes(activationNodes);
    workspace_->weightModel()->setRowNodes(weightNodes);
}

void MainWindow::exportExclusions() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Exclusion List"), QStringLiteral("nodes_to_exclude.txt"),
                                                      tr("Python list (*.txt *.py);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    const std::vector<std::string>& names = workspace_->exclusions();
    const std::string text = path.endsWith(QStringLiteral(".json")) ? nlohmann::json(names).dump(2) + "\n" : toPythonList(names) + "\n";
    if (auto st = writeFileAtomically(path.toStdString(), text); !st)
        QMessageBox::warning(this, tr("QuantLens"), QString::fromStdString(st.errorMessage()));
}

void MainWindow::exportQuantizedModel() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Quantized Model"), QStringLiteral("model_int8.onnx"),
                                                      tr("ONNX models (*.onnx)"));
    QString error;
    if (path.isEmpty())
        return;
    if (!workspace_->saveQuantizedModel(path, &error)) {
        QMessageBox::warning(this, tr("QuantLens"), error);
        return;
    }
    if (const auto* q = workspace_->model(Workspace::Slot::Quantized); q && q->analyzed.model.path().empty()) {
        exportedQuantizedPath_ = QFileInfo(path).absoluteFilePath();
        quantView_->setSummary(q->summary, modelLabel(Workspace::Slot::Quantized, false));
        updateTitle();
    }
    statusLabel_->setText(tr("Wrote %1").arg(path));
}

void MainWindow::showSelectedWeight(int row) {
    showWeightHistograms(row);
    followTableRow(workspace_->weightModel()->rowNode(row));
}

QString MainWindow::modelLabel(Workspace::Slot slot, bool withSize) const {
    const auto* m = workspace_->model(slot);
    if (!m)
        return {};
    if (!m->analyzed.model.path().empty())
        return QFileInfo(QString::fromStdString(m->analyzed.model.path())).fileName();
    // Made here (Re-quantize, Suggest): no file of its own, its size is what saving it writes.
    const QString size = QString::fromStdString(formatBytes(m->analyzed.model.fileSize()));
    if (slot == Workspace::Slot::Quantized && !exportedQuantizedPath_.isEmpty())
        return withSize ? tr("re-quantized in QuantLens (exported as %1, %2)").arg(QFileInfo(exportedQuantizedPath_).fileName(), size)
                        : tr("re-quantized in QuantLens (exported as %1)").arg(exportedQuantizedPath_);
    return withSize ? tr("re-quantized in QuantLens (not saved, %1)").arg(size) : tr("re-quantized in QuantLens (not saved)");
}

void MainWindow::updateTitle() {
    QStringList parts;
    for (auto slot : {Workspace::Slot::Fp32, Workspace::Slot::Quantized})
        if (workspace_->model(slot))
            parts << modelLabel(slot, true);
    QString title = parts.join(QStringLiteral(" vs "));
    if (!projectPath_.isEmpty())
        title = QFileInfo(projectPath_).completeBaseName() + (title.isEmpty() ? QString() : QStringLiteral(": ") + title);
    setWindowTitle(title.isEmpty() ? tr("QuantLens") : title + QStringLiteral(" — QuantLens"));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!mayDiscardChanges()) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    openFiles(paths);
}

}  // namespace ql
