// The QuantLens main window: models in dock panels, the per-layer table in the centre,
// histograms of the selected layer.
#pragma once

#include <QMainWindow>
#include <cmath>

#include "Workspace.h"

class QFrame;
class QLabel;
class QMenu;
class QListWidget;
class QProgressBar;
class QTabWidget;
class QToolButton;

namespace ql {

class BoxFixView;
class BoxTraceView;
class DetectionCompareView;
class GraphPanel;
class HistogramPlot;
class LayerTable;
class ModelSummaryView;
class NodeDetailsView;
class OutputSummaryView;
class RunsView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    Workspace* workspace() const { return workspace_; }
    void openFiles(const QStringList& paths);  // models, or a .qlproj project
    void openProject(const QString& path);
    bool saveProject(const QString& path);
    const QString& projectPath() const { return projectPath_; }
    void showTab(const QString& name);  // graph, activations, weights or detections
    // Once the Detections tab has its images: shows `image` (a path among them; empty: the
    // first) and explains its box overlapping `fp32Box` (image pixels), or with none every missed
    // and moved box. For screenshots and tests.
    // With `fixBox`, once the box shown is traced its exclusions are suggested too (Fix this box).
    void explainWhenShown(const QString& image, std::optional<Box> fp32Box = std::nullopt, bool fixBox = false);
    void showDetectionImage(const QString& image);  // the same without explaining
    RunsView* runsView() const { return runsView_; }
    bool bannerShown() const;
    QString bannerText() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createDocks();
    void openModelDialog(Workspace::Slot slot);
    void addRecentFile(const QString& path);
    void updateRecentMenu();
    void showModel(Workspace::Slot slot);
    void showSelectedWeight(int row);
    void showSelectedActivation(int row);
    void showActivationHistograms(int row);
    void showWeightHistograms(int row);
    // Selects selectedNodeName_ again (graph, table row, node panel, histograms) after a new
    // layout or comparison; false when the FP32 model has no such node.
    bool restoreSelection();
    // How the window names a model: its file name, or for one made here "re-quantized in
    // QuantLens (not saved)" with its size.
    QString modelLabel(Workspace::Slot slot, bool withSize) const;
    void openImagesDialog();
    void selectGraphNode(int node);
    void showNode(int fp32Node);
    void followTableRow(const QString& fp32NodeName);  // the graph and node panel follow the table
    void updateRowNodes();
    void exportExclusions();
    void adoptQuantizedModelSettings();
    void exportQuantizedModel();
    void suggestExclusions();
    void showSuggestion();
    void updateTitle();
    bool saveProjectAs();  // false when cancelled or failed
    bool mayDiscardChanges();  // asks to save unsaved changes; false: the user cancelled
    void editQuantizationSettings();
    void showRuns();
    void updateBanner();
    void exportRunsCsv();

    Workspace* workspace_;
    QTabWidget* tabs_;
    bool userChoseTab_ = false;  // clicked a tab or asked for one (--tab): analyses no longer switch tabs
    GraphPanel* graphPanel_;
    DetectionCompareView* detectionView_;
    BoxTraceView* boxTrace_;   // in the explanation panel: where the box was lost
    BoxFixView* boxFix_;       // and "fix this box"
    std::vector<Detection> boxFixTargets_;
    bool fixBoxWhenTraced_ = false;  // explainWhenShown's fixBox
    bool traceWhenShown_ = false;    // explainWhenShown: the panel scrolls to the trace when it comes  // the FP32 boxes the last box fix was asked for
    void showBoxTrace(int box);  // the trace of the explained box `box` (index into the explanation), when traced
    void suggestBoxFix(bool allMissed);
    QListWidget* exclusionList_;
    double outputSqnrBeforeRequantize_ = NAN;
    LayerTable* layerTable_;
    LayerTable* activationTable_;
    OutputSummaryView* outputSummary_;
    ModelSummaryView* fp32View_;
    ModelSummaryView* quantView_;
    HistogramPlot* histograms_;
    NodeDetailsView* nodeView_;
    RunsView* runsView_;
    QWidget* banner_;        // the exclusion list changed since the shown model was made
    QLabel* bannerText_;
    bool baselineShown_ = false;  // the first baseline was put beside the loaded model
    QMenu* recentMenu_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QLabel* statusLabel_;
    QProgressBar* busyBar_;
    QToolButton* cancelButton_;
    QString projectPath_;
    struct PendingExplanation {
        QString image;
        std::optional<Box> box;
        bool explain = true;  // false: only show the image
    };
    std::optional<PendingExplanation> pendingExplanation_;  // explainWhenShown's request, until the image is shown
    QString selectedNodeName_;   // FP32 node name, saved in the project and kept across layouts and comparisons
    QString exportedQuantizedPath_;  // where File > Export Quantized Model last wrote the model made here
};

}  // namespace ql
