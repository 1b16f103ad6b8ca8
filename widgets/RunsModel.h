// The session's runs as a table: one row per quantized model (loaded, baseline, re-quantized,
// suggestion) with its exclusions against the run before, its output figures as deployed, its
// detection fidelity, mAP, latency with spread and size. The run shown in the other views is bold.
#pragma once

#include <QAbstractTableModel>
#include <QSet>

#include "project/RunHistory.h"

namespace ql {

class RunsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Number, How, Excluded, Output, Boxes, Scores, Fidelity50, Fidelity5095, Map5095, Latency, Size, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;  // numbers for sorting and plotting; NaN when not measured

    explicit RunsModel(QObject* parent = nullptr);

    // `withModel`: runs whose model is at hand in this session (the others were restored from a
    // project and can be read, not shown).
    void setRuns(std::vector<Run> runs, int current, QSet<int> withModel);
    const std::vector<Run>& runs() const { return runs_; }
    const Run* runAt(int row) const;
    bool hasModel(int number) const { return withModel_.contains(number); }
    int current() const { return current_; }

    // A metric of a run as a number (NaN when not measured), for the plot and the comparison.
    static double value(const Run& run, Column column);
    static QString columnTitle(Column column);
    static QString columnHelp(Column column);  // what the column measures, for its tooltip

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QString text(const Run& run, int row, Column column) const;
    std::vector<Run> runs_;
    int current_ = 0;
    QSet<int> withModel_;
};

}  // namespace ql
