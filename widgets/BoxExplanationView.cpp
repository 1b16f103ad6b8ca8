#include "BoxExplanationView.h"

#include <QComboBox>
#include <array>
#include <algorithm>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "detect/ClassNames.h"

namespace ql {
namespace {

enum Row { Header, ClassScore, BestClass, Objectness, BoxRow, Sides, RowCount };

QString number(double v, int digits = 3) { return QString::number(v, 'f', digits); }

QString boxText(const Box& b) {  // whole pixels: enough to find it, and it fits the panel
    return QStringLiteral("%1 %2 %3 %4").arg(qRound(b.x1)).arg(qRound(b.y1)).arg(qRound(b.x2)).arg(qRound(b.y2));
}

QString values(const std::vector<float>& v, int digits = 2) {
    QStringList s;
    for (const float x : v)
        s << number(x, digits);
    return s.join(QLatin1Char(' '));
}

QString name(const std::vector<std::string>& names, int id) { return QString::fromStdString(className(names, id)); }

}  // namespace

BoxExplanationView::BoxExplanationView(QWidget* parent)
    : QFrame(parent), title_(new QLabel(this)), boxes_(new QComboBox(this)), close_(new QToolButton(this)),
      reason_(new QLabel(this)), origin_(new QLabel(this)), readings_(new QGridLayout), partner_(new QLabel(this)),
      note_(new QLabel(this)), sections_(new QVBoxLayout) {
    setFrameShape(QFrame::StyledPanel);
    setObjectName(QStringLiteral("boxExplanation"));
    title_->setWordWrap(true);
    title_->setTextFormat(Qt::RichText);
    close_->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close_->setAutoRaise(true);
    close_->setToolTip(tr("Close the explanation"));
    connect(close_, &QToolButton::clicked, this, &BoxExplanationView::closeRequested);
    boxes_->setToolTip(tr("The boxes explained on this image"));
    boxes_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    boxes_->setMinimumContentsLength(12);
    connect(boxes_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0 && i != current_)
            showBox(i);
    });
    for (QLabel* l : {reason_, origin_, partner_, note_}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    reason_->setTextFormat(Qt::RichText);
    note_->setEnabled(false);  // the secondary colour of the style
    reason_->setObjectName(QStringLiteral("explanationReason"));
    origin_->setObjectName(QStringLiteral("explanationOrigin"));
    partner_->setObjectName(QStringLiteral("explanationPartner"));

    auto* top = new QHBoxLayout;
    top->addWidget(title_, 1);
    top->addWidget(close_, 0, Qt::AlignTop);
    readings_->setHorizontalSpacing(12);
    readings_->setColumnStretch(0, 1);
    readings_->setColumnStretch(1, 1);
    // A quantity's name on a line of its own over its FP32 and INT8 values: two narrow columns
    // fit beside the pictures on a laptop screen.
    for (int r = 0; r < RowCount; ++r)
        for (int c = 0; c < 3; ++c) {
            auto* l = new QLabel(this);
            l->setTextInteractionFlags(Qt::TextSelectableByMouse);
            l->setObjectName(QStringLiteral("reading_%1_%2").arg(r).arg(c));
            l->setWordWrap(true);  // a long class name wraps rather than widening the panel
            if (r == Header || c == 0) {
                QFont bold = l->font();
                bold.setBold(true);
                l->setFont(bold);
            }
            if (c == 0)
                readings_->addWidget(l, 2 * r, 0, 1, 2);
            else
                readings_->addWidget(l, 2 * r + 1, c - 1);
        }
    // In a scroll area: on a short screen the readings scroll rather than overlap.
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    auto* scroll = new QScrollArea(this);
    scroll_ = scroll;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    layout->addLayout(top);
    layout->addWidget(boxes_);
    layout->addWidget(reason_);
    layout->addWidget(origin_);
    layout->addLayout(readings_);
    layout->addWidget(partner_);
    layout->addWidget(note_);
    layout->addLayout(sections_);
    layout->addStretch(1);
    clear();
}

QString BoxExplanationView::reasonText(BoxOutcome o) {
    switch (o) {
    case BoxOutcome::Kept: return tr("kept");
    case BoxOutcome::ObjectnessUnderThreshold: return tr("objectness under threshold");
    case BoxOutcome::ScoreUnderThreshold: return tr("score under threshold");
    case BoxOutcome::AnotherClassWon: return tr("another class won");
    case BoxOutcome::SuppressedByNms: return tr("suppressed by NMS");
    case BoxOutcome::CutByMaxDetections: return tr("cut by max detections");
    case BoxOutcome::BoxMoved: return tr("box moved");
    case BoxOutcome::MatchedElsewhere: return tr("matched to another FP32 box");
    }
    return QStringLiteral("?");
}

void BoxExplanationView::clear() {
    explanation_ = {};
    current_ = -1;
    const QSignalBlocker block(boxes_);
    boxes_->clear();
    boxes_->hide();
}

const BoxExplanation* BoxExplanationView::current() const {
    return current_ >= 0 && current_ < static_cast<int>(explanation_.boxes.size()) ? &explanation_.boxes[static_cast<size_t>(current_)]
                                                                                    : nullptr;
}

void BoxExplanationView::addSection(QWidget* section) { sections_->addWidget(section); }

void BoxExplanationView::scrollTo(QWidget* section) {
    // After the layout has placed what the section just got.
    QMetaObject::invokeMethod(this, [this, section = QPointer<QWidget>(section)] {
        if (!section || !scroll_->widget())
            return;
        if (scroll_->widget()->layout())
            scroll_->widget()->layout()->activate();
        // Its top at the top of the panel (as far as the scroll bar goes).
        scroll_->verticalScrollBar()->setValue(section->mapTo(scroll_->widget(), QPoint(0, 0)).y());
    }, Qt::QueuedConnection);
}

void BoxExplanationView::showExplanation(const ImageExplanation& e, const std::vector<std::string>& classNames, int box) {
    explanation_ = e;
    classNames_ = classNames;
    current_ = -1;
    {
        const QSignalBlocker block(boxes_);
        boxes_->clear();
        for (const auto& b : e.boxes) {
            const QString status = b.missed ? tr("missed") : b.outcome == BoxOutcome::Kept ? tr("kept") : tr("moved");
            boxes_->addItem(QStringLiteral("#%1 %2 %3 \u2013 %4").arg(b.fp32Index).arg(name(classNames, b.fp32.classId))
                                .arg(number(b.fp32.score, 2)).arg(status));
        }
        boxes_->setVisible(e.boxes.size() > 1);
    }
    if (e.boxes.empty()) {
        title_->setText(tr("<b>Nothing to explain</b>"));
        reason_->setText(tr("INT8 found every FP32 box of this image, overlapping with IoU %1 or more.").arg(kMovedBelowIou, 0, 'f', 1));
        for (QLabel* l : {origin_, partner_, note_})
            l->hide();
        for (int r = 0; r < RowCount; ++r)
            for (QLabel* l : rowLabels(r))
                l->hide();
        emit boxShown(-1);
        return;
    }
    showBox(std::clamp(box, 0, static_cast<int>(e.boxes.size()) - 1));
}

std::array<QLabel*, 3> BoxExplanationView::rowLabels(int row) const {
    return {static_cast<QLabel*>(readings_->itemAtPosition(2 * row, 0)->widget()),
            static_cast<QLabel*>(readings_->itemAtPosition(2 * row + 1, 0)->widget()),
            static_cast<QLabel*>(readings_->itemAtPosition(2 * row + 1, 1)->widget())};
}

void BoxExplanationView::setRow(int row, const QString& name, const QString& fp32, const QString& quantized, const QString& help) {
    const QString texts[3] = {name, fp32, quantized};
    const auto labels = rowLabels(row);
    for (int c = 0; c < 3; ++c) {
        labels[c]->setText(texts[c]);
        labels[c]->setToolTip(help);
        labels[c]->setVisible(!name.isNull());
    }
}

void BoxExplanationView::showBox(int i) {
    current_ = i;
    {
        const QSignalBlocker block(boxes_);
        boxes_->setCurrentIndex(i);
    }
    const BoxExplanation& b = explanation_.boxes[static_cast<size_t>(i)];
    const QString cls = name(classNames_, b.fp32.classId);
    const QString status = b.missed ? tr("missed by INT8") : b.outcome == BoxOutcome::Kept ? tr("kept by INT8") : tr("moved in INT8");
    title_->setText(tr("<b>FP32 #%1 %2 %3</b> %4").arg(b.fp32Index).arg(cls.toHtmlEscaped()).arg(number(b.fp32.score)).arg(status));
    reason_->setText(tr("<b>Why:</b> %1: %2").arg(reasonText(b.outcome).toHtmlEscaped(), QString::fromStdString(b.detail).toHtmlEscaped()));
    const GridCell& c = b.cell;
    QString origin = tr("Origin: stride %1, level %2 (%3\u00d7%4 grid), cell x %5, y %6")
                         .arg(c.stride).arg(c.level).arg(c.gridWidth).arg(c.gridHeight).arg(c.x).arg(c.y);
    if (c.anchorsPerCell > 1)
        origin += tr(", anchor %1").arg(c.anchor);
    origin_->setText(origin + tr("; output index %1").arg(c.index));
    origin_->show();

    const CellReading &f = b.fp32At, &q = b.quantizedAt;
    setRow(Header, tr("At this cell"), QStringLiteral("FP32"), QStringLiteral("INT8"));
    setRow(ClassScore, tr("%1 score").arg(cls), number(f.classScore), number(q.classScore),
           tr("The score of the box's class at the cell (objectness multiplied in)"));
    setRow(BestClass, tr("Best class"), QStringLiteral("%1 %2").arg(name(classNames_, f.bestClass), number(f.bestScore)),
           QStringLiteral("%1 %2").arg(name(classNames_, q.bestClass), number(q.bestScore)),
           tr("The class with the highest score at the cell: what the confidence threshold sees"));
    if (f.objectness >= 0.0f)
        setRow(Objectness, tr("Objectness"), number(f.objectness), number(q.objectness));
    else
        setRow(Objectness, QString(), {}, {});
    setRow(BoxRow, tr("Box (x1 y1 x2 y2, pixels)"), boxText(f.box), boxText(q.box),
           tr("The box the cell decodes to, image pixels [x1, y1, x2, y2]; regression as the output holds it: "
              "FP32 %1, INT8 %2").arg(values(f.regression), values(q.regression)));
    if (!f.ltrb.empty())
        setRow(Sides, tr("Sides (left top right bottom, strides)"), values(f.ltrb), values(q.ltrb),
               tr("Distances from the cell's centre to the box's left, top, right and bottom sides, in strides"));
    else
        setRow(Sides, QString(), {}, {});

    if (b.quantizedIndex) {
        const Detection& p = explanation_.quantized[static_cast<size_t>(*b.quantizedIndex)];
        QString text = tr("INT8 partner (highlighted): #%1 %2 %3, IoU %4")
                           .arg(*b.quantizedIndex).arg(name(classNames_, p.classId)).arg(number(p.score))
                           .arg(number(b.partnerIou, 2));
        if (b.partnerCell && b.partnerCell->index != c.index)
            text += tr(", from stride %1 cell x %2, y %3").arg(b.partnerCell->stride).arg(b.partnerCell->x).arg(b.partnerCell->y);
        partner_->setText(text);
    } else if (b.suppressedBy) {
        const Detection& p = explanation_.quantized[static_cast<size_t>(*b.suppressedBy)];
        partner_->setText(tr("No INT8 partner; suppressed by INT8 #%1 %2 %3 (highlighted)")
                              .arg(*b.suppressedBy).arg(name(classNames_, p.classId)).arg(number(p.score)));
    } else {
        partner_->setText(tr("No INT8 box takes its place."));
    }
    partner_->show();
    note_->setText(QString::fromStdString(explanation_.note));
    note_->setVisible(!explanation_.note.empty());
    emit boxShown(i);
}

}  // namespace ql
