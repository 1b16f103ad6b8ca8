// The operator graph, laid out by Graphviz (off the GUI thread), drawn with QGraphicsView:
// zoom with the wheel, pan by dragging, fit, search by name, nodes coloured by an error metric
// with a legend, Q/DQ pairs shown as marks on the edges, excluded nodes hatched.
#pragma once

#include <QFutureWatcher>
#include <QGraphicsView>
#include <QSet>
#include <map>
#include <memory>

#include "layout/GraphLayout.h"

class QLineEdit;
class QLabel;

namespace ql {

class GraphScene;

class GraphView : public QWidget {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);
    ~GraphView() override;

    // Lays out `graph` in the background; `qdq` folds Q/DQ pairs. The graph must outlive the view's use.
    void setGraph(std::shared_ptr<const void> owner, const Graph* graph, const QdqStructure* qdq);
    void clearGraph();
    // Heat map: a value per node (SQNR in dB); nodes without one stay neutral.
    void setNodeValues(const std::map<int, double>& sqnrDb);
    void setExcluded(const QSet<QString>& nodeNames);
    void selectNode(int node);
    bool isLayingOut() const;
    int nodeCount() const;

signals:
    void nodeSelected(int node);
    void exclusionToggled(const QString& nodeName);
    void layoutFinished();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildScene(const GraphLayout& layout);
    void search(const QString& text);
    void fit();

    QGraphicsView* view_;
    GraphScene* scene_;
    QLineEdit* searchBox_;
    QLabel* legend_;
    std::shared_ptr<const void> owner_;  // keeps the graph alive while shown
    const Graph* graph_ = nullptr;
    QFutureWatcher<std::shared_ptr<GraphLayout>>* watcher_ = nullptr;
    quint64 generation_ = 0;
};

}  // namespace ql
