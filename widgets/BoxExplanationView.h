// "Why did INT8 miss this box?" beside the pictures: for one FP32 box, where in the head it came
// from (level, stride, grid cell), both models' readings at that cell (class score, best class,
// objectness, box, the four sides), the quantized partner and the reason the backend decided
// (detect/BoxExplanation.h). Shown only once a box is explained; several explained boxes (every
// missed one of an image) are chosen from a list.
#pragma once

#include <QFrame>
#include <array>
#include <string>
#include <vector>

#include "detect/BoxExplanation.h"

class QComboBox;
class QGridLayout;
class QLabel;
class QScrollArea;
class QToolButton;
class QVBoxLayout;

namespace ql {

class BoxExplanationView : public QFrame {
    Q_OBJECT
public:
    explicit BoxExplanationView(QWidget* parent = nullptr);

    // Shows the explanation's first box (or `box`, an index into e.boxes).
    void showExplanation(const ImageExplanation& explanation, const std::vector<std::string>& classNames, int box = 0);
    void clear();
    const ImageExplanation& explanation() const { return explanation_; }
    int currentBox() const { return current_; }  // into explanation().boxes; -1: none
    const BoxExplanation* current() const;

    // Where later parts go (a per-layer trace of the box, a button to suggest exclusions for it):
    // added below the readings, shown with the panel. Nothing is reserved until one is added.
    void addSection(QWidget* section);
    void scrollTo(QWidget* section);  // scrolls the panel so that `section` (or its top) is in view

    // The reason as the panel words it, in the interface's language.
    static QString reasonText(BoxOutcome outcome);

signals:
    void boxShown(int box);  // the FP32 box shown changed (index into explanation().boxes)
    void closeRequested();

private:
    void showBox(int box);
    std::array<QLabel*, 3> rowLabels(int row) const;  // name, FP32 value, INT8 value
    void setRow(int row, const QString& name, const QString& fp32, const QString& quantized, const QString& help = {});

    ImageExplanation explanation_;
    std::vector<std::string> classNames_;
    int current_ = -1;
    QLabel* title_;
    QComboBox* boxes_;
    QToolButton* close_;
    QLabel* reason_;
    QLabel* origin_;
    QGridLayout* readings_;
    QLabel* partner_;
    QLabel* note_;
    QVBoxLayout* sections_;
    QScrollArea* scroll_ = nullptr;
};

}  // namespace ql
