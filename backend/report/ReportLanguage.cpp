#include "report/ReportLanguage.h"

#include <string_view>
#include <unordered_map>

namespace ql {

Result<ReportLanguage> parseReportLanguage(const std::string& code) {
    if (code == "en")
        return ReportLanguage::English;
    if (code == "zh_CN" || code == "zh")
        return ReportLanguage::Chinese;
    return Error{"unknown report language \"" + code + "\": use en or zh_CN"};
}

std::string reportLanguageCode(ReportLanguage language) { return language == ReportLanguage::Chinese ? "zh_CN" : "en"; }

std::string htmlLanguageTag(ReportLanguage language) { return language == ReportLanguage::Chinese ? "zh-CN" : "en"; }

// The catalog: every text of the report (backend/report/HtmlReport.cpp, Verdict.cpp) with its
// Simplified Chinese. Terms as in the app's translation: 保真度 fidelity, 排除 exclusion, 延迟
// latency, 运行记录 runs, 保留为浮点 left float, 漏检/多检/偏移 missed/extra/moved. Node names,
// op types, FP32/INT8, mAP, SQNR, dB, IoU and the quantize_static call stay as they are.
// Figures keep their order in the Chinese, so both renderings list the same numbers in turn.
const std::vector<ReportTextEntry>& reportCatalog() {
    static const std::vector<ReportTextEntry> catalog = {
        // Title and page 1
        {"QuantLens report", "QuantLens 报告"},
        {"{0} (FP32) against {1} (INT8), made by QuantLens on {2}.", "{0}（FP32）对比 {1}（INT8），由 QuantLens 生成于 {2}。"},
        {"speed-up (FP32 / INT8 median)", "加速比（FP32 / INT8 延迟中位数）"},
        {"FP32 {0}, INT8 {1}", "FP32 {0}，INT8 {1}"},
        {"INT8 {0}; FP32 not timed", "INT8 {0}；FP32 未计时"},
        {"not timed (give --data)", "未计时（请给出 --data）"},
        {"smaller file", "文件缩小倍数"},
        {"mAP@0.5 change (points)", "mAP@0.5 变化（百分点）"},
        {"FP32 {0} \u2192 INT8 {1}, {2} labelled images", "FP32 {0} \u2192 INT8 {1}，{2} 张带标注的图像"},
        {"mAP@.5:.95 change (points)", "mAP@.5:.95 变化（百分点）"},
        {"mAP against labels", "对照标注的 mAP"},
        {"no labelled data set given (--data)", "未给出带标注的数据集（--data）"},
        {"detection fidelity (mAP@0.5 vs FP32)", "检测保真度（以 FP32 为基准的 mAP@0.5）"},
        {"mAP@.5:.95 {0} on {1} images", "mAP@.5:.95 {0}，共 {1} 张图像"},
        {"no detections compared", "未比较检测结果"},
        {"boxes missed / extra / moved", "漏检 / 多检 / 偏移的框"},
        {"of {0} FP32 boxes, {1} matched", "FP32 共 {0} 个框，匹配 {1} 个"},
        {"nodes left float", "保留为浮点的节点"},
        {"cost {0} ms against the run with none excluded", "相对无排除的运行，延迟变化 {0} ms"},
        {"latency cost not measured (no run without exclusions)", "未测量延迟代价（没有无排除的运行）"},
        {"every quantizable node is INT8", "所有可量化节点均为 INT8"},
        // The verdict
        {"Ship INT8", "可以发布 INT8"},
        {"Review before shipping INT8", "发布 INT8 前需复查"},
        {"Do not ship INT8", "不要发布 INT8"},
        {"Not enough figures to decide", "数据不足，无法判断"},
        {"The comparison failed: {0}", "比较失败：{0}"},
        {"mAP@0.5 {0} points", "mAP@0.5 {0} 个百分点"},
        {"mAP@.5:.95 {0} points", "mAP@.5:.95 {0} 个百分点"},
        {"{0}, {1}", "{0}，{1}"},
        {"Accuracy kept: {0} (a drop of at most {1} is accepted).", "精度保持：{0}（可接受的下降最多为 {1} 个百分点）。"},
        {"Accuracy drops: {0} (more than {1} points).", "精度下降：{0}（超过 {1} 个百分点）。"},
        {"Accuracy drops too far: {0} (more than {1} points).", "精度下降过多：{0}（超过 {1} 个百分点）。"},
        {"detection fidelity mAP@0.5 {0}", "检测保真度 mAP@0.5 {0}"},
        {"No labels; INT8 finds what FP32 finds: {0} (at least {1}).", "无标注；INT8 检出了 FP32 检出的目标：{0}（不低于 {1}）。"},
        {"No labels; INT8's detections differ from FP32's: {0} (under {1}).", "无标注；INT8 的检测结果与 FP32 有差异：{0}（低于 {1}）。"},
        {"No labels; INT8's detections differ much from FP32's: {0} (under {1}).", "无标注；INT8 的检测结果与 FP32 差异很大：{0}（低于 {1}）。"},
        {"No accuracy figure: give a labelled data set (--data) or comparison images of a detector.",
         "没有精度数据：请给出带标注的数据集（--data）或检测模型的对比图像。"},
        {"INT8 is slower than FP32 on this machine ({0}x): check the execution provider.",
         "在本机上 INT8 比 FP32 慢（{0}x）：请检查执行提供程序。"},
        {"INT8 is {0}x as fast as FP32.", "INT8 的速度是 FP32 的 {0}x。"},
        {"Latency of both models not measured (give --data to time them).", "未测量两个模型的延迟（给出 --data 即可计时）。"},
        {"{0} nodes left float cost {1} ms against the run with none excluded.",
         "保留为浮点的 {0} 个节点相对无排除的运行带来 {1} ms 的延迟变化。"},
        {"{0}\u00d7 faster", "快 {0}\u00d7"},
        {"{0}\u00d7 slower", "慢 {0}\u00d7"},
        {"{0}\u00d7 smaller", "体积小 {0}\u00d7"},
        {"fidelity {0}", "保真度 {0}"},
        {"{0}.", "{0}。"},
        {"{0}: {1}.", "{0}：{1}。"},
        {"{0} {1}", "{0}{1}"},  // two sentences in a row
        // The images INT8 changed most
        {"The images INT8 changed most", "INT8 改变最多的图像"},
        {"The {0} of {1} images whose detections INT8 changed most (boxes missed, added or moved), most changed first.",
         "INT8 改变检测结果最多的 {0} 张图像（共 {1} 张；框被漏检、新增或偏移），改变最多的在前。"},
        {"Left: FP32, boxes INT8 missed in magenta. Right: INT8, boxes it added in magenta, boxes it moved (IoU under {0}) in "
         "white edged with black.",
         "左：FP32，INT8 漏检的框为品红色。右：INT8，其新增的框为品红色，偏移的框（IoU 低于 {0}）为白色黑边。"},
        {"{0}: {1} missed, {2} extra, {3} moved; {4} matched.", "{0}：漏检 {1}，多检 {2}，偏移 {3}；匹配 {4}。"},
        // Runs
        {"Runs", "运行记录"},
        // Study
        {"Study", "对比研究"},
        {"Every row scored on the same {0} labelled images: mAP against the labels and its change from the FP32 baseline, "
         "fidelity against FP32's detections, cost, file size, latency (ms, one image) and peak memory.",
         "每一行都在相同的 {0} 张带标注图像上评分：相对标注的 mAP 及其相对 FP32 基线的变化、相对 FP32 检测结果的保真度、"
         "计算量、文件大小、延迟（毫秒，单张图像）和峰值内存。"},
        {"mAP@0.5:0.95 against mean latency; circle area grows with the file size; rows by number, as in the table; the line "
         "joins the Pareto front (no other row both faster and more accurate).",
         "mAP@0.5:0.95 对平均延迟；圆的面积随文件大小增大；行号与表格一致；折线连接帕累托前沿（没有其他行同时更快且更准）。"},
        {"Every quantized model of the session, in the order made, measured on the comparison images (outputs as deployed) and "
         "timed alone after warm-up (median \u00b1 half the range from the fastest run to the 95th percentile).",
         "本次会话中的每个量化模型，按生成顺序排列：在对比图像上测量（输出与部署时相同），预热后单独计时（中位数 \u00b1 "
         "最快一次到第 95 百分位之间范围的一半）。"},
        {"Run", "运行"},
        {"How", "方式"},
        {"Excluded", "排除数"},
        {"Output SQNR dB", "输出 SQNR dB"},
        {"Fidelity mAP@0.5", "保真度 mAP@0.5"},
        {"Latency ms", "延迟 ms"},
        {"Size", "大小"},
        {"same", "相同"},
        {"Latency per run, median with whiskers of \u00b1 the spread. Runs by number, as in the table.",
         "每次运行的延迟：中位数，须线为 \u00b1 波动范围。按编号排列，与表格一致。"},
        {"Left: mAP@0.5 against the labels per run. Right: latency, median with whiskers of \u00b1 the spread. Runs by number, "
         "as in the table.",
         "左：每次运行相对标注的 mAP@0.5。右：延迟，中位数，须线为 \u00b1 波动范围。按编号排列，与表格一致。"},
        {"Per run: mAP@0.5 against the labels. Runs by number, as in the table.",
         "每次运行相对标注的 mAP@0.5。按编号排列，与表格一致。"},
        {"Left: detection fidelity (mAP@0.5 against FP32's boxes) per run. Right: latency, median with whiskers of \u00b1 the "
         "spread. Runs by number, as in the table.",
         "左：每次运行的检测保真度（相对 FP32 检测框的 mAP@0.5）。右：延迟，中位数，须线为 \u00b1 波动范围。按编号排列，与表格一致。"},
        {"Per run: detection fidelity (mAP@0.5 against FP32's boxes). Runs by number, as in the table.",
         "每次运行的检测保真度（相对 FP32 检测框的 mAP@0.5）。按编号排列，与表格一致。"},
        // Engineering appendix
        {"Engineering appendix", "工程附录"},
        {"Models", "模型"},
        {"File", "文件"},
        {"Format", "格式"},
        {"float", "浮点"},
        {"dynamic", "动态"},
        {"Nodes", "节点"},
        {"Quantized tensors", "量化张量"},
        {"{0} activations, {1} weights, {2} biases", "激活 {0} 个，权重 {1} 个，偏置 {2} 个"},
        {"Quantization settings", "量化设置"},
        {"As given.", "按给定的设置。"},
        {"Read back from the INT8 model.", "从 INT8 模型中读回。"},
        {"The same quantization with ONNX Runtime (calibration images and their preprocessing are yours to fill in):",
         "用 ONNX Runtime 进行相同的量化（校准图像及其预处理需自行填写）："},
        {"Nodes left in float", "保留为浮点的节点"},
        {"Every node of a quantizable type is quantized.", "每个可量化类型的节点均已量化。"},
        {"{0} nodes of quantizable types are not quantized (excluded, or with float inputs):",
         "{0} 个可量化类型的节点未被量化（已排除，或输入为浮点）："},
        {"Where quantization hurts", "量化的损失在哪里"},
        {"Both models ran on {0} images; the INT8 model's outputs are those of ONNX Runtime at optimisation level {1}, as it is "
         "deployed.",
         "两个模型均在 {0} 张图像上运行；INT8 模型的输出来自 ONNX Runtime 优化级别 {1}，与部署时相同。"},
        {"Failure:", "失败："},
        {"Warning:", "警告："},
        {"Detections of the INT8 model against the FP32 model's: mAP@0.5 {0}, mAP@.5:.95 {1}; {2} of {3} FP32 boxes matched "
         "({4} moved), {5} missed, {6} extra.",
         "INT8 模型的检测结果对比 FP32 模型：mAP@0.5 {0}，mAP@.5:.95 {1}；匹配 {2} 个（FP32 共 {3} 个框，其中偏移 {4} 个），"
         "漏检 {5} 个，多检 {6} 个。"},
        {"Output", "输出"},
        {"Part", "部分"},
        {"Cosine", "余弦相似度"},
        {"Max |error|", "最大 |误差|"},
        {"whole output", "整个输出"},
        {"boxes", "框"},
        {"objectness", "目标置信度"},
        {"class scores", "类别分数"},
        {"class ids", "类别编号"},
        {"The worst layers", "误差最大的层"},
        {"Tensor", "张量"},
        {"Op", "算子"},
        {"Own rounding dB", "自身舍入 dB"},
        {"Clipped %", "截断 %"},
        {"Range used %", "量化范围利用率 %"},
        {"Histograms of the worst layers", "误差最大的层的直方图"},
        {"Above: FP32 filled, INT8 as a line. Below: the error, INT8 \u2212 FP32.", "上图：FP32 为填充，INT8 为折线。下图：误差，即 INT8 \u2212 FP32。"},
        {"Accuracy and latency", "精度与延迟"},
        {"{0} of the dataset's {1} labelled images.", "评估了 {0} 张图像（数据集共 {1} 张带标注的图像）。"},
        {"Model", "模型"},
        {"Median ms", "中位数 ms"},
        {"p95 ms", "p95 延迟 ms"},
        {"Fidelity (FP32 detections as ground truth): mAP@0.5 {0}, mAP@0.5:0.95 {1}; {2} boxes matched (mean IoU {3}, {4} moved), "
         "{5} missed, {6} extra.",
         "保真度（以 FP32 检测结果为真值）：mAP@0.5 {0}，mAP@0.5:0.95 {1}；匹配 {2} 个框（平均 IoU {3}，偏移 {4} 个），"
         "漏检 {5} 个，多检 {6} 个。"},
        // A page per box INT8 missed or moved (report --explain)
        {"Why INT8 lost a box: {0} {1} in {2}", "INT8 为何丢失了这个框：{2} 中的 {0} {1}"},
        {"FP32: the box in green", "FP32：绿色为该框"},
        {"INT8: its boxes in orange, the FP32 box in grey", "INT8：橙色为其检测框，灰色为 FP32 的框"},
        {"Class", "类别"},
        {"Score", "分数"},
        {"Box", "框坐标"},
        {"none", "无"},
        {"Status", "状态"},
        {"missed", "漏检"},
        {"moved", "偏移"},
        {"Origin: level {0} (stride {1}), grid cell x {2}, y {3} (output index {4}).",
         "来源：第 {0} 层级（步长 {1}），网格单元 x {2}，y {3}（输出索引 {4}）。"},
        {"Reason", "原因"},
        {"kept", "保留"},
        {"objectness under threshold", "目标置信度低于阈值"},
        {"score under threshold", "分数低于阈值"},
        {"another class won", "另一类别胜出"},
        {"suppressed by NMS", "被 NMS 抑制"},
        {"cut by max detections", "超出最大检测数而被截去"},
        {"box moved", "框发生偏移"},
        {"matched to another FP32 box", "匹配到了另一个 FP32 框"},
        {"Lost at layer: {0}", "丢失于层：{0}"},
    };
    return catalog;
}

const char* reportText(ReportLanguage language, const char* english) {
    if (language == ReportLanguage::English)
        return english;
    static const std::unordered_map<std::string_view, const char*> chinese = [] {
        std::unordered_map<std::string_view, const char*> map;
        for (const auto& e : reportCatalog())
            map.emplace(e.english, e.chinese);
        return map;
    }();
    const auto it = chinese.find(english);
    return it == chinese.end() ? english : it->second;
}

std::string fillText(const std::string& pattern, const std::vector<std::string>& args) {
    std::string out;
    out.reserve(pattern.size() + 16 * args.size());
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 1] >= '0' && pattern[i + 1] <= '9' && pattern[i + 2] == '}') {
            const size_t index = static_cast<size_t>(pattern[i + 1] - '0');
            if (index < args.size()) {
                out += args[index];
                i += 2;
                continue;
            }
        }
        out += pattern[i];
    }
    return out;
}

std::string reportText(ReportLanguage language, const char* english, const std::vector<std::string>& args) {
    return fillText(reportText(language, english), args);
}

}  // namespace ql
