<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>main</name>
    <message>
        <source>Compare an FP32 ONNX model with its quantized version.</source>
        <translation>比较 FP32 ONNX 模型与其量化版本。</translation>
    </message>
    <message>
        <source>FP32 and/or quantized .onnx files to open.</source>
        <translation>要打开的 FP32 和/或量化 .onnx 文件。</translation>
    </message>
    <message>
        <source>Save a PNG of the window when idle, then quit.</source>
        <translation>空闲时将窗口保存为 PNG，然后退出。</translation>
    </message>
    <message>
        <source>Folder or image to compare the activations on.</source>
        <translation>用于比较激活的文件夹或图像。</translation>
    </message>
    <message>
        <source>Tab to show first: graph, activations, weights or detections.</source>
        <translation>首先显示的标签页：graph、activations、weights 或 detections。</translation>
    </message>
    <message>
        <source>Open the bundled demo: YOLOv8n FP32, its INT8 version and two photos.</source>
        <translation>打开自带的演示：YOLOv8n FP32、其 INT8 版本和两张照片。</translation>
    </message>
    <message>
        <source>With --screenshot: re-quantize once with the exclusions first.</source>
        <translation>与 --screenshot 一起使用：先按排除列表重新量化一次。</translation>
    </message>
    <message>
        <source>Image the Detections tab shows first (a file name among --images).</source>
        <translation>“检测”标签页首先显示的图像（--images 中的文件名）。</translation>
    </message>
    <message>
        <source>Explain why INT8 lost boxes of that image: &apos;missed&apos; (every missed and moved box) or the FP32 box nearest x1,y1,x2,y2 (image pixels).</source>
        <translation>解释 INT8 为何丢失该图像的框：&apos;missed&apos;（每个漏检和偏移的框）或最接近 x1,y1,x2,y2（图像像素）的 FP32 框。</translation>
    </message>
    <message>
        <source>With --explain: once the box shown is traced, suggest exclusions for it (Fix this box).</source>
        <translation>与 --explain 一起使用：所示框追踪完成后，为其建议排除节点（修复此框）。</translation>
    </message>
</context>
<context>
    <name>ql::ActivationErrorModel</name>
    <message>
        <source>FP32 tensor vs the quantized model&apos;s tensor after its Q/DQ pair: all error upstream included</source>
        <translation>FP32 张量与量化模型中经过 Q/DQ 之后的张量之比：包含上游累积的全部误差</translation>
    </message>
    <message>
        <source>This tensor&apos;s own rounding error: before vs after its Q/DQ pair in the quantized model</source>
        <translation>该张量自身的舍入误差：量化模型中 Q/DQ 之前与之后之比</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>Op</source>
        <translation>算子</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
    <message>
        <source>Rounding SQNR (dB)</source>
        <translation>舍入 SQNR (dB)</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <source>MSE</source>
        <translation>均方误差</translation>
    </message>
    <message>
        <source>Max |error|</source>
        <translation>最大 |误差|</translation>
    </message>
    <message>
        <source>Clipped %</source>
        <translation>截断 %</translation>
    </message>
    <message>
        <source>Range used %</source>
        <translation>量化范围利用率 %</translation>
    </message>
</context>
<context>
    <name>ql::BoxExplanationView</name>
    <message>
        <source>Close the explanation</source>
        <translation>关闭解释</translation>
    </message>
    <message>
        <source>The boxes explained on this image</source>
        <translation>此图像上已解释的框</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>objectness under threshold</source>
        <translation>目标置信度低于阈值</translation>
    </message>
    <message>
        <source>score under threshold</source>
        <translation>分数低于阈值</translation>
    </message>
    <message>
        <source>another class won</source>
        <translation>另一类别胜出</translation>
    </message>
    <message>
        <source>suppressed by NMS</source>
        <translation>被 NMS 抑制</translation>
    </message>
    <message>
        <source>cut by max detections</source>
        <translation>超出最大检测数被截断</translation>
    </message>
    <message>
        <source>box moved</source>
        <translation>框偏移</translation>
    </message>
    <message>
        <source>matched to another FP32 box</source>
        <translation>匹配到另一个 FP32 框</translation>
    </message>
    <message>
        <source>missed</source>
        <translation>漏检</translation>
    </message>
    <message>
        <source>moved</source>
        <translation>偏移</translation>
    </message>
    <message>
        <source>&lt;b&gt;Nothing to explain&lt;/b&gt;</source>
        <translation>&lt;b&gt;无需解释&lt;/b&gt;</translation>
    </message>
    <message>
        <source>INT8 found every FP32 box of this image, overlapping with IoU %1 or more.</source>
        <translation>INT8 找到了此图像的每个 FP32 框，IoU 均不低于 %1。</translation>
    </message>
    <message>
        <source>missed by INT8</source>
        <translation>被 INT8 漏检</translation>
    </message>
    <message>
        <source>kept by INT8</source>
        <translation>被 INT8 保留</translation>
    </message>
    <message>
        <source>moved in INT8</source>
        <translation>在 INT8 中偏移</translation>
    </message>
    <message>
        <source>&lt;b&gt;FP32 #%1 %2 %3&lt;/b&gt; %4</source>
        <translation>&lt;b&gt;FP32 #%1 %2 %3&lt;/b&gt; %4</translation>
    </message>
    <message>
        <source>Origin: stride %1, level %2 (%3×%4 grid), cell x %5, y %6</source>
        <translation>来源：步长 %1，第 %2 层（%3×%4 网格），单元 x %5，y %6</translation>
    </message>
    <message>
        <source>, anchor %1</source>
        <translation>，锚框 %1</translation>
    </message>
    <message>
        <source>; output index %1</source>
        <translation>；输出索引 %1</translation>
    </message>
    <message>
        <source>At this cell</source>
        <translation>此单元处</translation>
    </message>
    <message>
        <source>%1 score</source>
        <translation>%1 分数</translation>
    </message>
    <message>
        <source>The score of the box&apos;s class at the cell (objectness multiplied in)</source>
        <translation>该单元处此框类别的分数（已乘以目标置信度）</translation>
    </message>
    <message>
        <source>Best class</source>
        <translation>最佳类别</translation>
    </message>
    <message>
        <source>The class with the highest score at the cell: what the confidence threshold sees</source>
        <translation>该单元处分数最高的类别：置信度阈值所比较的值</translation>
    </message>
    <message>
        <source>Objectness</source>
        <translation>目标置信度</translation>
    </message>
    <message>
        <source>Box (x1 y1 x2 y2, pixels)</source>
        <translation>框（x1 y1 x2 y2，像素）</translation>
    </message>
    <message>
        <source>The box the cell decodes to, image pixels [x1, y1, x2, y2]; regression as the output holds it: FP32 %1, INT8 %2</source>
        <translation>该单元解码得到的框，图像像素 [x1, y1, x2, y2]；输出中的回归值：FP32 %1，INT8 %2</translation>
    </message>
    <message>
        <source>Sides (left top right bottom, strides)</source>
        <translation>四边距离（左 上 右 下，以步长计）</translation>
    </message>
    <message>
        <source>Distances from the cell&apos;s centre to the box&apos;s left, top, right and bottom sides, in strides</source>
        <translation>从单元中心到框左、上、右、下边的距离，以步长为单位</translation>
    </message>
    <message>
        <source>INT8 partner (highlighted): #%1 %2 %3, IoU %4</source>
        <translation>INT8 对应框（已高亮）：#%1 %2 %3，IoU %4</translation>
    </message>
    <message>
        <source>, from stride %1 cell x %2, y %3</source>
        <translation>，来自步长 %1 单元 x %2，y %3</translation>
    </message>
    <message>
        <source>No INT8 partner; suppressed by INT8 #%1 %2 %3 (highlighted)</source>
        <translation>没有 INT8 对应框；被 INT8 #%1 %2 %3 抑制（已高亮）</translation>
    </message>
    <message>
        <source>No INT8 box takes its place.</source>
        <translation>没有 INT8 框取代它。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Why:&lt;/b&gt; %1: %2</source>
        <translation>&lt;b&gt;原因：&lt;/b&gt;%1：%2</translation>
    </message>
</context>
<context>
    <name>ql::BoxFixView</name>
    <message>
        <source>Suggest Exclusions for This Box</source>
        <translation>为此框建议排除节点</translation>
    </message>
    <message>
        <source>For All Missed Boxes of This Image</source>
        <translation>为此图像所有漏检的框</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Apply as a New Run</source>
        <translation>作为新运行应用</translation>
    </message>
    <message>
        <source>Re-quantize the FP32 model with the quantized model&apos;s settings, leaving float the fewest nodes that bring this box back (calibrated on the calibration set)</source>
        <translation>用量化模型的设置重新量化 FP32 模型，保留最少的浮点节点以找回此框（在校准集上校准）</translation>
    </message>
    <message>
        <source>The same for every box INT8 missed on this image</source>
        <translation>对此图像上 INT8 漏检的每个框执行相同操作</translation>
    </message>
    <message>
        <source>Exclude the suggested nodes and re-quantize: a new run (undo restores the exclusions)</source>
        <translation>排除建议的节点并重新量化：生成一次新运行（撤销可恢复排除列表）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Fix this box&lt;/b&gt;</source>
        <translation>&lt;b&gt;修复此框&lt;/b&gt;</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>box %1</source>
        <translation>框 %1</translation>
    </message>
    <message>
        <source>already found by the model re-made with its settings</source>
        <translation>用其设置重新生成的模型已能找到</translation>
    </message>
    <message>
        <source>brought back by leaving &lt;b&gt;%1&lt;/b&gt; float</source>
        <translation>将 &lt;b&gt;%1&lt;/b&gt; 保留为浮点后找回</translation>
    </message>
    <message>
        <source>not brought back</source>
        <translation>未能找回</translation>
    </message>
    <message>
        <source>%1: %2; INT8 score %3 → %4, IoU %5 → %6</source>
        <translation>%1：%2；INT8 分数 %3 → %4，IoU %5 → %6</translation>
    </message>
    <message>
        <source>No node to add to the list.</source>
        <translation>无需向列表添加节点。</translation>
    </message>
    <message>
        <source>Leave float: %1</source>
        <translation>保留浮点：%1</translation>
    </message>
    <message>
        <source>Cost: %1 ms median latency (%2 → %3 ms), %4 KiB</source>
        <translation>代价：中位延迟 %1 ms（%2 → %3 ms），%4 KiB</translation>
    </message>
</context>
<context>
    <name>ql::BoxTraceView</name>
    <message>
        <source>&lt;b&gt;Where it was lost&lt;/b&gt;</source>
        <translation>&lt;b&gt;在何处丢失&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Each layer the box&apos;s cell depends on: the error of the quantized model inside the window around the cell (local) and over the whole map. The marked layer is where the local error jumps most against its inputs.</source>
        <translation>此框所在单元依赖的每一层：量化模型在该单元周围窗口内（局部）和整个特征图上的误差。标记的层是局部误差相对其输入跃升最大的层。</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Op</source>
        <translation>算子</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>特征图</translation>
    </message>
    <message>
        <source>Local SQNR</source>
        <translation>局部 SQNR</translation>
    </message>
    <message>
        <source>Whole SQNR</source>
        <translation>整体 SQNR</translation>
    </message>
    <message>
        <source>Channels × height × width / stride (input pixels per cell)</source>
        <translation>通道 × 高 × 宽 / 步长（每个单元的输入像素）</translation>
    </message>
    <message>
        <source>SQNR inside the window around the box&apos;s cell, all channels (dB)</source>
        <translation>框所在单元周围窗口内的 SQNR，全部通道（dB）</translation>
    </message>
    <message>
        <source>SQNR over the whole map (dB)</source>
        <translation>整个特征图的 SQNR（dB）</translation>
    </message>
    <message>
        <source>Tracing the layers the box depends on...</source>
        <translation>正在追踪此框依赖的各层...</translation>
    </message>
    <message>
        <source>No trace: %1</source>
        <translation>无追踪：%1</translation>
    </message>
    <message>
        <source>%1
The local error jumps here: %2 dB lower than its worst input</source>
        <translation>%1
局部误差在此跃升：比其最差输入低 %2 dB</translation>
    </message>
    <message>
        <source>Lost at &lt;b&gt;%1&lt;/b&gt; (%2): local SQNR %3 dB against %4 dB whole.</source>
        <translation>丢失于 &lt;b&gt;%1&lt;/b&gt;（%2）：局部 SQNR %3 dB，整体 %4 dB。</translation>
    </message>
    <message>
        <source>No layer loses SQNR around this cell.</source>
        <translation>此单元周围没有层损失 SQNR。</translation>
    </message>
    <message numerus="yes">
        <source>%n layer(s) traced, window %1 head cells either side; double-click a row to show it in the graph.</source>
        <translation>
            <numerusform>已追踪 %n 层，窗口为两侧各 %1 个检测头单元；双击一行可在图中显示该层。</numerusform>
        </translation>
    </message>
    <message>
        <source>Some tensors were left out (hover for why).</source>
        <translation>部分张量未纳入（悬停查看原因）。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Box sides (DFL)&lt;/b&gt;: FP32 outlined, INT8 filled</source>
        <translation>&lt;b&gt;框的四边（DFL）&lt;/b&gt;：FP32 为轮廓，INT8 为填充</translation>
    </message>
    <message>
        <source>No DFL distributions: %1</source>
        <translation>无 DFL 分布：%1</translation>
    </message>
</context>
<context>
    <name>ql::DetectionCompareView</name>
    <message>
        <source>Open images (File &gt; Open Images) to compare the detections of both models.</source>
        <translation>打开图像（文件 &gt; 打开图像）以比较两个模型的检测结果。</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Scale both images to fit their views (F)</source>
        <translation>缩放两幅图像以适应各自视图（F）</translation>
    </message>
    <message>
        <source>Explain missed boxes</source>
        <translation>解释漏检框</translation>
    </message>
    <message>
        <source>Why INT8 missed or moved the FP32 boxes of this image; or click a box in the FP32 picture</source>
        <translation>INT8 为何漏检或偏移此图像的 FP32 框；也可点击 FP32 图中的框</translation>
    </message>
    <message>
        <source>Boxes in class colours: matched. Magenta: missed by the quantized model (left, dashed red: click it to see why) or extra (right). White edged with black: moved, matched with IoU under %1.</source>
        <translation>类别颜色的框：已匹配。洋红色：量化模型漏检（左，红色虚线：点击查看原因）或多检（右）。白色黑边：偏移，匹配但 IoU 低于 %1。</translation>
    </message>
    <message>
        <source>Missed by INT8: click to see why</source>
        <translation>被 INT8 漏检：点击查看原因</translation>
    </message>
</context>
<context>
    <name>ql::DflBars</name>
    <message>
        <source>The distribution over the 16 bins of each side&apos;s distance (left, top, right, bottom): FP32 outlined, INT8 filled</source>
        <translation>每条边距离在 16 个区间上的分布（左、上、右、下）：FP32 为轮廓，INT8 为填充</translation>
    </message>
    <message>
        <source>left</source>
        <translation>左</translation>
    </message>
    <message>
        <source>top</source>
        <translation>上</translation>
    </message>
    <message>
        <source>right</source>
        <translation>右</translation>
    </message>
    <message>
        <source>bottom</source>
        <translation>下</translation>
    </message>
</context>
<context>
    <name>ql::ExcludableRowsModel</name>
    <message>
        <source>Exclude %1 from quantization</source>
        <translation>将 %1 排除在量化之外</translation>
    </message>
    <message>
        <source>Float</source>
        <translation>浮点</translation>
    </message>
    <message>
        <source>Ticked: the node is excluded from quantization and stays float when you re-quantize</source>
        <translation>勾选：该节点不参与量化，重新量化时保持浮点</translation>
    </message>
    <message>
        <source>%1 is quantized at INT16; tick to keep it float instead</source>
        <translation>%1 以 INT16 量化；勾选则改为保持浮点</translation>
    </message>
</context>
<context>
    <name>ql::GraphMinimap</name>
    <message>
        <source>Overview: click or drag to move the view</source>
        <translation>概览：单击或拖动以移动视图</translation>
    </message>
</context>
<context>
    <name>ql::GraphPanel</name>
    <message>
        <source>%1 has no counterpart in the FP32 model</source>
        <translation>%1 在 FP32 模型中没有对应节点</translation>
    </message>
    <message>
        <source>FP32</source>
        <translation>FP32</translation>
    </message>
    <message>
        <source>Quantized (Q/DQ folded)</source>
        <translation>量化模型（Q/DQ 已折叠）</translation>
    </message>
    <message>
        <source>Quantized</source>
        <translation>量化模型</translation>
    </message>
</context>
<context>
    <name>ql::GraphView</name>
    <message>
        <source>Find node or tensor...</source>
        <translation>查找节点或张量...</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应宽度</translation>
    </message>
    <message>
        <source>Q/DQ on %1</source>
        <translation>%1 上的 Q/DQ</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>Show the overview map</source>
        <translation>显示概览图</translation>
    </message>
    <message numerus="yes">
        <source>Include %1 (%n nodes)</source>
        <translation>
            <numerusform>重新包含 %1（%n 个节点）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exclude %1 (%n nodes)</source>
        <translation>
            <numerusform>排除 %1（%n 个节点）</numerusform>
        </translation>
    </message>
    <message>
        <source>Include Again in Quantization</source>
        <translation>重新参与量化</translation>
    </message>
    <message>
        <source>Exclude from Quantization</source>
        <translation>排除在量化之外</translation>
    </message>
    <message>
        <source>Module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>this node and everything after it</source>
        <translation>此节点及其之后的全部节点</translation>
    </message>
    <message>
        <source>the selected nodes</source>
        <translation>所选节点</translation>
    </message>
    <message>
        <source>dashed: excluded</source>
        <translation>虚线：已排除</translation>
    </message>
    <message>
        <source>Find a node by its name or the name of a tensor it writes (Ctrl+F)</source>
        <translation>按节点名称或其输出张量名称查找节点 (Ctrl+F)</translation>
    </message>
    <message>
        <source>No graph to search yet</source>
        <translation>尚无可搜索的图</translation>
    </message>
    <message>
        <source>No node or tensor named &quot;%1&quot;</source>
        <translation>没有名为“%1”的节点或张量</translation>
    </message>
    <message>
        <source>Arrows: follow edges · E: exclude · F: fit · +/−: zoom · Shift+drag: select several · double-click or Enter: open a group · Backspace: close it</source>
        <translation>方向键：沿边移动 · E：排除 · F：适应 · +/−：缩放 · Shift+拖动：多选 · 双击或 Enter：展开分组 · Backspace：折叠分组</translation>
    </message>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 及另外 %n 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n nodes</source>
        <translation>
            <numerusform>%n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <source>worst %1 · median %2</source>
        <translation>最差 %1 · 中位数 %2</translation>
    </message>
    <message numerus="yes">
        <source>%n excluded</source>
        <translation>
            <numerusform>已排除 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>Double-click the title to close</source>
        <translation>双击标题折叠</translation>
    </message>
    <message>
        <source>Double-click to open</source>
        <translation>双击展开</translation>
    </message>
    <message>
        <source>Close Group %1</source>
        <translation>折叠分组 %1</translation>
    </message>
    <message>
        <source>Expand All to Depth</source>
        <translation>全部展开到深度</translation>
    </message>
    <message>
        <source>All (no groups)</source>
        <translation>全部（不分组）</translation>
    </message>
    <message>
        <source>Close Group</source>
        <translation>折叠分组</translation>
    </message>
    <message>
        <source>Open Group</source>
        <translation>展开分组</translation>
    </message>
    <message numerus="yes">
        <source>Include Group Again (%n quantizable nodes)</source>
        <translation>
            <numerusform>重新量化该分组（%n 个可量化节点）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exclude Group from Quantization (%n quantizable nodes)</source>
        <translation>
            <numerusform>将该分组排除出量化（%n 个可量化节点）</numerusform>
        </translation>
    </message>
    <message>
        <source>Graph input %1</source>
        <translation>图输入 %1</translation>
    </message>
    <message>
        <source>Graph output %1</source>
        <translation>图输出 %1</translation>
    </message>
</context>
<context>
    <name>ql::HeatMetricText</name>
    <message>
        <source>SQNR %1 dB</source>
        <translation>SQNR %1 dB</translation>
    </message>
    <message>
        <source>own rounding SQNR %1 dB</source>
        <translation>自身舍入 SQNR %1 dB</translation>
    </message>
    <message>
        <source>cosine %1</source>
        <translation>余弦相似度 %1</translation>
    </message>
    <message>
        <source>clipped %1%</source>
        <translation>截断 %1%</translation>
    </message>
    <message>
        <source>uses %1% of the integer range</source>
        <translation>使用了整数范围的 %1%</translation>
    </message>
    <message>
        <source>Accumulated SQNR</source>
        <translation>累积 SQNR</translation>
    </message>
    <message>
        <source>Own rounding SQNR</source>
        <translation>自身舍入 SQNR</translation>
    </message>
    <message>
        <source>Cosine similarity</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <source>Clipped values</source>
        <translation>截断值</translation>
    </message>
    <message>
        <source>Integer range used</source>
        <translation>整数范围利用率</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
</context>
<context>
    <name>ql::HistogramPlot</name>
    <message>
        <source>FP32</source>
        <translation>FP32</translation>
    </message>
    <message>
        <source>Quantized</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>count</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>误差</translation>
    </message>
    <message>
        <source>quantized - FP32</source>
        <translation>量化 - FP32</translation>
    </message>
</context>
<context>
    <name>ql::ImageChangeModel</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>漏检</translation>
    </message>
    <message>
        <source>Extra</source>
        <translation>多检</translation>
    </message>
    <message>
        <source>Moved</source>
        <translation>偏移</translation>
    </message>
    <message>
        <source>Drop</source>
        <comment>Score drop: the mean score the matched boxes lost</comment>
        <translation>降幅</translation>
    </message>
    <message>
        <source>The image; click a header to sort by that column</source>
        <translation>图像；点击表头按该列排序</translation>
    </message>
    <message>
        <source>How much INT8 changed the detections: missed + extra + moved boxes, plus 1 − IoU of every matched pair. The list starts sorted by it, most changed first.</source>
        <translation>INT8 对检测结果的改变程度：漏检 + 多检 + 偏移框数，加上每个匹配对的 1 − IoU。列表默认按此排序，变化最大的在前。</translation>
    </message>
    <message>
        <source>FP32 boxes INT8 did not find</source>
        <translation>INT8 未找到的 FP32 框</translation>
    </message>
    <message>
        <source>INT8 boxes FP32 did not find</source>
        <translation>FP32 未找到的 INT8 框</translation>
    </message>
    <message>
        <source>Boxes both found, overlapping with IoU under %1</source>
        <translation>两者都找到但 IoU 低于 %1 的框</translation>
    </message>
    <message>
        <source>Score drop: the mean score the matched boxes lost in INT8 (FP32 − INT8)</source>
        <translation>分数降幅：匹配框在 INT8 中平均损失的分数（FP32 − INT8）</translation>
    </message>
</context>
<context>
    <name>ql::LayerTable</name>
    <message>
        <source>Filter by name...</source>
        <translation>按名称筛选...</translation>
    </message>
</context>
<context>
    <name>ql::MainWindow</name>
    <message>
        <source>Open a quantized model (File &gt; Open Quantized Model)</source>
        <translation>打开量化模型（文件 &gt; 打开量化模型）</translation>
    </message>
    <message>
        <source>QuantLens</source>
        <translation>QuantLens</translation>
    </message>
    <message numerus="yes">
        <source>%n quantized weights compared</source>
        <translation>
            <numerusform>已比较 %n 个量化权重</numerusform>
        </translation>
    </message>
    <message>
        <source>FP32 Model</source>
        <translation>FP32 模型</translation>
    </message>
    <message>
        <source>Quantized Model</source>
        <translation>量化模型</translation>
    </message>
    <message>
        <source>Histograms</source>
        <translation>直方图</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;FP32 Model...</source>
        <translation>打开 FP32 模型(&amp;F)...</translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language is used from the next start of QuantLens.</source>
        <translation>新语言将在下次启动 QuantLens 时生效。</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About QuantLens</source>
        <translation>关于 QuantLens(&amp;A)</translation>
    </message>
    <message>
        <source>About QuantLens</source>
        <translation>关于 QuantLens</translation>
    </message>
    <message>
        <source>&lt;h3&gt;QuantLens %1&lt;/h3&gt;&lt;p&gt;Where does INT8 quantization hurt your ONNX detector, how much, and what to exclude to fix it.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;QuantLens %1&lt;/h3&gt;&lt;p&gt;INT8 量化在哪里损害了您的 ONNX 检测模型、损害有多大，以及应排除哪些节点来修复它。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open FP32 Model</source>
        <translation>打开 FP32 模型</translation>
    </message>
    <message>
        <source>Open Quantized Model</source>
        <translation>打开量化模型</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx);;All files (*)</source>
        <translation>ONNX 模型 (*.onnx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>激活</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Comparing activations: %1 (%2 of %3)</source>
        <translation>正在比较激活：%1（第 %2 个，共 %3 个）</translation>
    </message>
    <message numerus="yes">
        <source>%n quantized activations compared on %1 images</source>
        <translation>
            <numerusform>已在 %1 张图像上比较 %n 个量化激活</numerusform>
        </translation>
    </message>
    <message>
        <source>; output SQNR %1 dB</source>
        <translation>；输出 SQNR %1 dB</translation>
    </message>
    <message>
        <source>Open &amp;Images...</source>
        <translation>打开图像(&amp;I)...</translation>
    </message>
    <message>
        <source>Ctrl+I</source>
        <translation>Ctrl+I</translation>
    </message>
    <message>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Compare Activations</source>
        <translation>比较激活(&amp;C)</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>C&amp;ancel</source>
        <translation>取消(&amp;A)</translation>
    </message>
    <message>
        <source>Folder of Images to Compare On</source>
        <translation>选择用于比较的图像文件夹</translation>
    </message>
    <message>
        <source>Graph</source>
        <translation>计算图</translation>
    </message>
    <message>
        <source>Re-quantized: output SQNR %1 dB -&gt; %2 dB</source>
        <translation>已重新量化：输出 SQNR %1 dB -&gt; %2 dB</translation>
    </message>
    <message>
        <source>Re-quantize</source>
        <translation>重新量化</translation>
    </message>
    <message>
        <source>Export List...</source>
        <translation>导出列表...</translation>
    </message>
    <message>
        <source>Excluded Nodes</source>
        <translation>已排除的节点</translation>
    </message>
    <message>
        <source>&amp;Export Quantized Model...</source>
        <translation>导出量化模型(&amp;E)...</translation>
    </message>
    <message>
        <source>Export E&amp;xclusion List...</source>
        <translation>导出排除列表(&amp;X)...</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Re-&amp;quantize with Exclusions</source>
        <translation>按排除列表重新量化(&amp;Q)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>Export Exclusion List</source>
        <translation>导出排除列表</translation>
    </message>
    <message>
        <source>Python list (*.txt *.py);;JSON (*.json)</source>
        <translation>Python 列表 (*.txt *.py);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Export Quantized Model</source>
        <translation>导出量化模型</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <source>Detections</source>
        <translation>检测结果</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message>
        <source>Export Report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>Web page (*.html);;PDF (*.pdf)</source>
        <translation>网页 (*.html);;PDF (*.pdf)</translation>
    </message>
    <message>
        <source>&amp;Suggest Exclusions...</source>
        <translation>建议排除节点(&amp;S)...</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Tick nodes in the Node panel or the tables, or right-click them in the graph, to exclude them.</source>
        <translation>在节点面板或表格中勾选节点，或在图中右键单击节点，即可将其排除。</translation>
    </message>
    <message>
        <source>Open &amp;Project...</source>
        <translation>打开工程(&amp;P)...</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>打开工程</translation>
    </message>
    <message>
        <source>QuantLens projects (*.qlproj);;All files (*)</source>
        <translation>QuantLens 工程 (*.qlproj);;所有文件 (*)</translation>
    </message>
    <message>
        <source>&amp;Save Project</source>
        <translation>保存工程(&amp;S)</translation>
    </message>
    <message>
        <source>Save Project &amp;As...</source>
        <translation>工程另存为(&amp;A)...</translation>
    </message>
    <message>
        <source>Quantization Se&amp;ttings...</source>
        <translation>量化设置(&amp;T)...</translation>
    </message>
    <message>
        <source>Saved project %1</source>
        <translation>已保存工程 %1</translation>
    </message>
    <message>
        <source>Save Project</source>
        <translation>保存工程</translation>
    </message>
    <message>
        <source>QuantLens projects (*.qlproj)</source>
        <translation>QuantLens 工程 (*.qlproj)</translation>
    </message>
    <message>
        <source>&amp;Quantized Graph Beside FP32</source>
        <translation>在 FP32 旁显示量化图(&amp;Q)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+G</source>
        <translation>Ctrl+Shift+G</translation>
    </message>
    <message>
        <source>&amp;Fold Q/DQ Pairs into Edges</source>
        <translation>将 Q/DQ 对折叠到边上(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Colour Nodes By</source>
        <translation>节点着色依据(&amp;C)</translation>
    </message>
    <message>
        <source>No detections to compare: %1</source>
        <translation>没有可比较的检测结果：%1</translation>
    </message>
    <message>
        <source>Choose Image &amp;Preprocessing Automatically</source>
        <translation>自动选择图像预处理(&amp;P)</translation>
    </message>
    <message>
        <source>Try RGB/BGR, 0-1/0-255, letterbox/top-left/stretch and ImageNet mean/std on the first images and keep the convention whose FP32 detections are most confident</source>
        <translation>在前几张图像上尝试 RGB/BGR、0-1/0-255、信箱填充/左上对齐/拉伸以及 ImageNet 均值/标准差，保留 FP32 检测置信度最高的约定</translation>
    </message>
    <message>
        <source>Open an FP32 model (File &gt; Open FP32 Model, or drop an .onnx file here), or try the bundled YOLOv8n pair with Help &gt; Open Demo</source>
        <translation>打开 FP32 模型（文件 &gt; 打开 FP32 模型，或将 .onnx 文件拖到此处），或通过 帮助 &gt; 打开演示 试用自带的 YOLOv8n 模型对</translation>
    </message>
    <message>
        <source>Open &amp;Demo</source>
        <translation>打开演示(&amp;D)</translation>
    </message>
    <message>
        <source>Use the &amp;Loaded Model&apos;s Settings</source>
        <translation>使用已加载模型的设置(&amp;L)</translation>
    </message>
    <message>
        <source>Read back from the quantized model and set for Re-quantize:</source>
        <translation>从量化模型中读回并用于重新量化的设置：</translation>
    </message>
    <message>
        <source>activations %1, weights %2, %3, %4 weights, biases %5</source>
        <translation>激活 %1，权重 %2，%3，%4权重，偏置%5</translation>
    </message>
    <message>
        <source>per channel</source>
        <translation>逐通道</translation>
    </message>
    <message>
        <source>per tensor</source>
        <translation>逐张量</translation>
    </message>
    <message>
        <source>symmetric</source>
        <translation>对称</translation>
    </message>
    <message>
        <source>asymmetric</source>
        <translation>非对称</translation>
    </message>
    <message>
        <source>quantized</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>float</source>
        <translation>浮点</translation>
    </message>
    <message>
        <source>op types: %1</source>
        <translation>算子类型：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n node(s) it left float, now the exclusion list (Edit &gt; Undo restores the previous one)</source>
        <translation>
            <numerusform>其保留为浮点的 %n 个节点，现为排除列表（编辑 &gt; 撤销 可恢复之前的列表）</numerusform>
        </translation>
    </message>
    <message>
        <source>Settings of the Loaded Model</source>
        <translation>已加载模型的设置</translation>
    </message>
    <message>
        <source>Open Quantized &amp;Model...</source>
        <translation>打开量化模型(&amp;M)...</translation>
    </message>
    <message>
        <source>&amp;Close FP32 Model</source>
        <translation>关闭 FP32 模型(&amp;C)</translation>
    </message>
    <message>
        <source>Close Qua&amp;ntized Model</source>
        <translation>关闭量化模型(&amp;N)</translation>
    </message>
    <message>
        <source>Export Repor&amp;t...</source>
        <translation>导出报告(&amp;T)...</translation>
    </message>
    <message>
        <source>Unsaved Changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>The exclusions or the re-quantized model changed since the project was last saved. Save the project?</source>
        <translation>自上次保存工程以来，排除列表或重新量化的模型已更改。是否保存工程？</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>The exclusion list changed since the model shown was made or loaded (%1 added, %2 removed). Its figures are not yet those of the list: re-quantize to see the effect.</source>
        <translation>自当前显示的模型生成或加载以来，排除列表已更改（新增 %1 个，移除 %2 个）。其数值尚未反映该列表：请重新量化以查看效果。</translation>
    </message>
    <message>
        <source>Export Runs</source>
        <translation>导出运行记录</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Open &amp;Labelled Data Set...</source>
        <translation>打开带标注的数据集(&amp;L)...</translation>
    </message>
    <message>
        <source>Open Labelled Data Set</source>
        <translation>打开带标注的数据集</translation>
    </message>
    <message>
        <source>YOLO data set (*.yaml *.yml);;All files (*)</source>
        <translation>YOLO 数据集 (*.yaml *.yml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>FP32 on the data set: mAP@0.5 %1, mAP@.5:.95 %2 (%3 images).</source>
        <translation>FP32 在数据集上：mAP@0.5 %1，mAP@.5:.95 %2（%3 张图像）。</translation>
    </message>
    <message>
        <source>&amp;Find Node...</source>
        <translation>查找节点(&amp;F)...</translation>
    </message>
    <message>
        <source>re-quantized in QuantLens (exported as %1, %2)</source>
        <translation>在 QuantLens 中重新量化（已导出为 %1，%2）</translation>
    </message>
    <message>
        <source>re-quantized in QuantLens (exported as %1)</source>
        <translation>在 QuantLens 中重新量化（已导出为 %1）</translation>
    </message>
    <message>
        <source>re-quantized in QuantLens (not saved, %1)</source>
        <translation>在 QuantLens 中重新量化（未保存，%1）</translation>
    </message>
    <message>
        <source>re-quantized in QuantLens (not saved)</source>
        <translation>在 QuantLens 中重新量化（未保存）</translation>
    </message>
    <message>
        <source>%1
no histograms: %2</source>
        <translation>%1
没有直方图：%2</translation>
    </message>
    <message>
        <source>%1
no histograms: none of its tensors was compared</source>
        <translation>%1
没有直方图：它的张量均未参与比较</translation>
    </message>
    <message>
        <source>Scoring on %1...</source>
        <translation>正在 %1 上评分...</translation>
    </message>
    <message>
        <source>&amp;Present</source>
        <translation>演示(&amp;P)</translation>
    </message>
    <message>
        <source>QuantLens presentation</source>
        <translation>QuantLens 演示</translation>
    </message>
    <message>
        <source>Present a &amp;Video...</source>
        <translation>演示视频(&amp;V)...</translation>
    </message>
    <message>
        <source>Present a Video</source>
        <translation>演示视频</translation>
    </message>
    <message>
        <source>Videos (*.mp4 *.avi *.mov *.mkv *.webm *.m4v *.mpg *.mpeg);;All files (*)</source>
        <translation>视频 (*.mp4 *.avi *.mov *.mkv *.webm *.m4v *.mpg *.mpeg);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Detector &amp;Head</source>
        <translation>检测头(&amp;H)</translation>
    </message>
    <message>
        <source>Automatic (from the output shapes)</source>
        <translation>自动（根据输出形状）</translation>
    </message>
    <message>
        <source>No suggestion: %1</source>
        <translation>无建议：%1</translation>
    </message>
    <message>
        <source>Expand All Groups to &amp;Depth</source>
        <translation>全部分组展开到深度(&amp;D)</translation>
    </message>
    <message>
        <source>No groups in this graph</source>
        <translation>此图没有分组</translation>
    </message>
    <message>
        <source>All (no groups)</source>
        <translation>全部（不分组）</translation>
    </message>
    <message>
        <source>Suggesting exclusions...</source>
        <translation>正在建议排除节点...</translation>
    </message>
    <message>
        <source>Apply suggested precisions</source>
        <translation>应用建议的精度</translation>
    </message>
    <message>
        <source>Stu&amp;dy...</source>
        <translation>对比研究(&amp;D)...</translation>
    </message>
</context>
<context>
    <name>ql::ModelSummaryView</name>
    <message>
        <source>Property</source>
        <translation>属性</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>  (QuantizeLinear %1, DequantizeLinear %2)</source>
        <translation>  （QuantizeLinear %1 个，DequantizeLinear %2 个）</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Opsets</source>
        <translation>算子集</translation>
    </message>
    <message>
        <source>IR version</source>
        <translation>IR 版本</translation>
    </message>
    <message>
        <source>Producer</source>
        <translation>生成工具</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>%1 in %2 initializers</source>
        <translation>%1 个，分布于 %2 个初始化器</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Operators</source>
        <translation>算子</translation>
    </message>
    <message>
        <source>Quantized tensors</source>
        <translation>量化张量</translation>
    </message>
    <message>
        <source>%1 activations, %2 weights, %3 biases</source>
        <translation>%1 个激活，%2 个权重，%3 个偏置</translation>
    </message>
    <message>
        <source>Quantized nodes</source>
        <translation>量化节点</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>元数据</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>TensorRT placement</source>
        <translation>TensorRT 量化节点布局</translation>
    </message>
    <message>
        <source>no Q/DQ placement that makes TensorRT reformat or fall back</source>
        <translation>没有会让 TensorRT 插入重排层或回退到更高精度的 Q/DQ 布局</translation>
    </message>
    <message numerus="yes">
        <source>%n finding(s)</source>
        <translation>
            <numerusform>%n 项发现</numerusform>
        </translation>
    </message>
    <message>
        <source>Fix</source>
        <translation>修正建议</translation>
    </message>
</context>
<context>
    <name>ql::NodeDetailsView</name>
    <message>
        <source>Exclude from quantization (keep float)</source>
        <translation>排除在量化之外（保持浮点）</translation>
    </message>
    <message>
        <source>Property</source>
        <translation>属性</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Select a node in the graph or a row in a table</source>
        <translation>在图中选择一个节点或在表格中选择一行</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>算子</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>域</translation>
    </message>
    <message>
        <source>  (constant)</source>
        <translation>  （常量）</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>误差</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <source>float (not quantized)</source>
        <translation>浮点（未量化）</translation>
    </message>
    <message>
        <source>%1 per channel (axis %2, %3 channels), scale %4 to %5</source>
        <translation>%1 按通道（轴 %2，%3 个通道），缩放因子 %4 至 %5</translation>
    </message>
    <message>
        <source>%1, scale %2, zero point %3</source>
        <translation>%1，缩放因子 %2，零点 %3</translation>
    </message>
    <message>
        <source>not compared: %1</source>
        <translation>未比较：%1</translation>
    </message>
    <message>
        <source>SQNR %1 dB (own rounding %2 dB), cosine %3, clipped %4%, range used %5%</source>
        <translation>SQNR %1 dB（自身舍入 %2 dB），余弦 %3，截断 %4%，范围利用 %5%</translation>
    </message>
    <message>
        <source>An excluded node computes in float, but its outputs stay quantized while nodes that read them are quantized (ONNX Runtime quantizes the inputs of quantized nodes). Excluding those readers too keeps the outputs float.</source>
        <translation>被排除的节点以浮点计算，但只要读取其输出的节点仍被量化，这些输出就仍被量化（ONNX Runtime 会量化已量化节点的输入）。同时排除这些读取节点即可让输出保持浮点。</translation>
    </message>
    <message numerus="yes">
        <source>Also keep its outputs float: exclude the %n node(s) that read them quantized</source>
        <translation>
            <numerusform>让其输出也保持浮点：排除以量化方式读取它们的 %n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <source>Read quantized by</source>
        <translation>以量化方式读取者</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Quantizable nodes</source>
        <translation>可量化节点</translation>
    </message>
    <message>
        <source>Excluded nodes</source>
        <translation>已排除节点</translation>
    </message>
    <message>
        <source>Worst (%1)</source>
        <translation>最差（%1）</translation>
    </message>
    <message>
        <source>Median (%1)</source>
        <translation>中位数（%1）</translation>
    </message>
    <message>
        <source>Nodes measured</source>
        <translation>已测量节点</translation>
    </message>
    <message>
        <source>not measured yet</source>
        <translation>尚未测量</translation>
    </message>
    <message>
        <source>Precision: INT8</source>
        <translation>精度：INT8</translation>
    </message>
    <message>
        <source>Precision: INT16 (16-bit activations and weights)</source>
        <translation>精度：INT16（16 位激活和权重）</translation>
    </message>
    <message>
        <source>Precision: float (excluded)</source>
        <translation>精度：浮点（已排除）</translation>
    </message>
    <message>
        <source>INT16 quantizes the node&apos;s activations and weights with 16-bit Q/DQ (ONNX Runtime&apos;s TensorQuantOverrides, as `quantize --tensor-overrides`); re-quantize applies it</source>
        <translation>INT16 以 16 位 Q/DQ 量化该节点的激活和权重（ONNX Runtime 的 TensorQuantOverrides，与 `quantize --tensor-overrides` 相同）；重新量化时生效</translation>
    </message>
</context>
<context>
    <name>ql::OutputSummaryView</name>
    <message>
        <source>Failure:</source>
        <translation>失败：</translation>
    </message>
    <message>
        <source>Warning:</source>
        <translation>警告：</translation>
    </message>
    <message>
        <source>&lt;b&gt;Detections&lt;/b&gt; (quantized against FP32): mAP@0.5 %1, mAP@.5:.95 %2; %3 of %4 boxes matched (%5 moved), %6 missed, %7 extra</source>
        <translation>&lt;b&gt;检测结果&lt;/b&gt;（量化模型对比 FP32）：mAP@0.5 %1，mAP@.5:.95 %2；%4 个框中匹配 %3 个（偏移 %5 个），漏检 %6 个，多检 %7 个</translation>
    </message>
    <message>
        <source>Final outputs</source>
        <translation>最终输出</translation>
    </message>
    <message>
        <source>(ONNX Runtime optimisation %1, as deployed):</source>
        <translation>（ONNX Runtime 优化级别 %1，与部署时相同）：</translation>
    </message>
    <message>
        <source>per-layer run: %1 dB</source>
        <translation>逐层运行：%1 dB</translation>
    </message>
    <message>
        <source>Images preprocessed as: %1</source>
        <translation>图像预处理方式：%1</translation>
    </message>
    <message>
        <source>boxes</source>
        <translation>框</translation>
    </message>
    <message>
        <source>objectness</source>
        <translation>目标置信度</translation>
    </message>
    <message>
        <source>class scores</source>
        <translation>类别分数</translation>
    </message>
    <message>
        <source>class ids</source>
        <translation>类别编号</translation>
    </message>
</context>
<context>
    <name>ql::PresentationView</name>
    <message>
        <source>No pictures to present: open images and both models.</source>
        <translation>没有可演示的图片：请打开图片和两个模型。</translation>
    </message>
    <message>
        <source>FP32 left of the line, INT8 right (←/→ or drag; B: blink)</source>
        <translation>线左侧为 FP32，右侧为 INT8（←/→ 或拖动；B：闪烁）</translation>
    </message>
    <message>
        <source>INT8 (Space: FP32; W: wipe)</source>
        <translation>INT8（空格：FP32；W：擦除对比）</translation>
    </message>
    <message>
        <source>FP32 (Space: INT8; W: wipe)</source>
        <translation>FP32（空格：INT8；W：擦除对比）</translation>
    </message>
    <message>
        <source>%1 of %2: %3 — %4 — %5</source>
        <translation>第 %1 / %2 张：%3 — %4 — %5</translation>
    </message>
    <message>
        <source>▶ Playing (V: pause; Page Down: back to the slides)</source>
        <translation>▶ 正在播放（V：暂停；Page Down：回到幻灯片）</translation>
    </message>
    <message>
        <source>❚❚ Paused (V: play)</source>
        <translation>❚❚ 已暂停（V：播放）</translation>
    </message>
    <message>
        <source>End of the video (V: play again; Page Down: back to the slides)</source>
        <translation>视频结束（V：重新播放；Page Down：回到幻灯片）</translation>
    </message>
    <message>
        <source>Stopped: %1</source>
        <translation>已停止：%1</translation>
    </message>
    <message>
        <source>%1 — %2 — %3 — %4</source>
        <translation>%1 — %2 — %3 — %4</translation>
    </message>
    <message>
        <source> — V: play the video</source>
        <translation> — V：播放视频</translation>
    </message>
</context>
<context>
    <name>ql::QuantizationSettingsDialog</name>
    <message>
        <source>Moving average of the per-image ranges</source>
        <translation>对每张图像的范围取滑动平均</translation>
    </message>
    <message>
        <source>Per-channel weights</source>
        <translation>按通道量化权重</translation>
    </message>
    <message>
        <source>Reduce range (7-bit weights)</source>
        <translation>缩小范围（7 位权重）</translation>
    </message>
    <message>
        <source>Symmetric activations</source>
        <translation>对称激活</translation>
    </message>
    <message>
        <source>Symmetric weights</source>
        <translation>对称权重</translation>
    </message>
    <message>
        <source>Quantize bias</source>
        <translation>量化偏置</translation>
    </message>
    <message>
        <source>Quantization Settings</source>
        <translation>量化设置</translation>
    </message>
    <message>
        <source>MinMax</source>
        <translation>MinMax</translation>
    </message>
    <message>
        <source>Entropy (KL divergence)</source>
        <translation>熵（KL 散度）</translation>
    </message>
    <message>
        <source>Percentile</source>
        <translation>百分位</translation>
    </message>
    <message>
        <source>ONNX Runtime&apos;s default set</source>
        <translation>ONNX Runtime 的默认集合</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>方法：</translation>
    </message>
    <message>
        <source>Percentile:</source>
        <translation>百分位：</translation>
    </message>
    <message>
        <source>Quantization (quantize_static, QDQ)</source>
        <translation>量化（quantize_static，QDQ）</translation>
    </message>
    <message>
        <source>Activation type:</source>
        <translation>激活类型：</translation>
    </message>
    <message>
        <source>Weight type:</source>
        <translation>权重类型：</translation>
    </message>
    <message>
        <source>Op types to quantize:</source>
        <translation>要量化的算子类型：</translation>
    </message>
    <message>
        <source>Use Comparison Images</source>
        <translation>使用对比图像</translation>
    </message>
    <message>
        <source>Folder...</source>
        <translation>文件夹...</translation>
    </message>
    <message>
        <source>Files...</source>
        <translation>文件...</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>图像：</translation>
    </message>
    <message>
        <source>Model default (letterbox, RGB, 0-1)</source>
        <translation>模型默认（letterbox、RGB、0-1）</translation>
    </message>
    <message>
        <source>Automatic (most confident FP32 detections)</source>
        <translation>自动（FP32 检测置信度最高者）</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Letterbox, centred</source>
        <translation>Letterbox，居中</translation>
    </message>
    <message>
        <source>Letterbox, top-left</source>
        <translation>Letterbox，左上对齐</translation>
    </message>
    <message>
        <source>Stretch</source>
        <translation>拉伸</translation>
    </message>
    <message>
        <source>1/255 (values 0-1)</source>
        <translation>1/255（取值 0-1）</translation>
    </message>
    <message>
        <source>1 (values 0-255)</source>
        <translation>1（取值 0-255）</translation>
    </message>
    <message>
        <source>Image preprocessing</source>
        <translation>图像预处理</translation>
    </message>
    <message>
        <source>Convention:</source>
        <translation>约定：</translation>
    </message>
    <message>
        <source>Resize:</source>
        <translation>缩放方式：</translation>
    </message>
    <message>
        <source>Channel order:</source>
        <translation>通道顺序：</translation>
    </message>
    <message>
        <source>Scale:</source>
        <translation>缩放系数：</translation>
    </message>
    <message>
        <source>Mean:</source>
        <translation>均值：</translation>
    </message>
    <message>
        <source>Std:</source>
        <translation>标准差：</translation>
    </message>
    <message>
        <source>Import Recipe...</source>
        <translation>导入配方...</translation>
    </message>
    <message>
        <source>Read the settings, calibration images, preprocessing and exclusions from the JSON that quantlens-cli quantize --export-json writes</source>
        <translation>从 quantlens-cli quantize --export-json 写出的 JSON 读取设置、校准图像、预处理和排除列表</translation>
    </message>
    <message>
        <source>Calibration Images Folder</source>
        <translation>校准图像文件夹</translation>
    </message>
    <message>
        <source>Calibration Images</source>
        <translation>校准图像</translation>
    </message>
    <message>
        <source>Images (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.webp)</source>
        <translation>图像 (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.webp)</translation>
    </message>
    <message>
        <source>Chosen on the first comparison images once the FP32 model and images are open.</source>
        <translation>打开 FP32 模型和图像后，在前几张对比图像上选定。</translation>
    </message>
    <message numerus="yes">
        <source>Imported %1. On OK its %n excluded nodes replace the exclusion list (Edit &gt; Undo restores it).</source>
        <translation>
            <numerusform>已导入 %1。点击“确定”后，其中的 %n 个排除节点将替换排除列表（编辑 &gt; 撤销可恢复）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Import Recipe</source>
        <translation>导入配方</translation>
    </message>
    <message>
        <source>Quantization recipes (*.json);;All files (*)</source>
        <translation>量化配方 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Import recipe %1</source>
        <translation>导入配方 %1</translation>
    </message>
    <message>
        <source>Keep the last layers float (detector head and output decoding)</source>
        <translation>最后几层保持浮点（检测头及输出解码）</translation>
    </message>
    <message>
        <source>no conversion</source>
        <translation>不转换</translation>
    </message>
    <message>
        <source>Convert an older export to this opset with ONNX&apos;s version converter before calibrating (per-channel weights need opset 13); a model already at it or above is not converted</source>
        <translation>校准前用 ONNX 的版本转换器把旧导出转换到此 opset（逐通道权重需要 opset 13）；已达到或高于该 opset 的模型不转换</translation>
    </message>
    <message>
        <source>Leave the last Conv/Gemm/MatMul before each output and the decoding after them float, as a YOLOv9-QAT export does; your exclusion list is unchanged</source>
        <translation>像 YOLOv9-QAT 导出那样，让每个输出前的最后一个 Conv/Gemm/MatMul 及其后的解码保持浮点；排除列表不变</translation>
    </message>
    <message>
        <source>Convert to opset:</source>
        <translation>转换到 opset：</translation>
    </message>
</context>
<context>
    <name>ql::RunsModel</name>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>How</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Excluded</source>
        <translation>排除数</translation>
    </message>
    <message>
        <source>Output dB</source>
        <translation>输出 dB</translation>
    </message>
    <message>
        <source>Boxes dB</source>
        <translation>框 dB</translation>
    </message>
    <message>
        <source>Scores dB</source>
        <translation>分数 dB</translation>
    </message>
    <message>
        <source>Fidelity 50</source>
        <translation>保真度 50</translation>
    </message>
    <message>
        <source>Fidelity 50-95</source>
        <translation>保真度 50-95</translation>
    </message>
    <message>
        <source>mAP 50-95</source>
        <translation>mAP 50-95</translation>
    </message>
    <message>
        <source>Latency ms</source>
        <translation>延迟 ms</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>measuring...</source>
        <translation>测量中...</translation>
    </message>
    <message>
        <source>%1 ± %2</source>
        <translation>%1 ± %2</translation>
    </message>
    <message>
        <source>Run %1: %2</source>
        <translation>运行 %1：%2</translation>
    </message>
    <message>
        <source>Calibrated on %1</source>
        <translation>校准数据：%1</translation>
    </message>
    <message>
        <source>Failure: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Latency: median of %1 runs after warm-up, ± half the range from the fastest to the 95th percentile</source>
        <translation>延迟：预热后 %1 次运行的中位数，± 最快一次到第 95 百分位之间范围的一半</translation>
    </message>
    <message>
        <source>Restored from the project: figures only, no model to show</source>
        <translation>从工程恢复：只有数值，没有可显示的模型</translation>
    </message>
    <message>
        <source>SQNR of the whole output, FP32 against the quantized model as deployed (plain ONNX Runtime session)</source>
        <translation>整个输出的 SQNR：FP32 对比按部署方式运行的量化模型（普通 ONNX Runtime 会话）</translation>
    </message>
    <message>
        <source>SQNR of the output&apos;s box coordinates</source>
        <translation>输出中框坐标的 SQNR</translation>
    </message>
    <message>
        <source>SQNR of the output&apos;s class scores; a collapse shows as ⚠ on the output</source>
        <translation>输出中类别分数的 SQNR；分数塌缩时在输出列显示 ⚠</translation>
    </message>
    <message>
        <source>Detection fidelity: mAP@0.5 of the quantized detections with the FP32 detections as ground truth</source>
        <translation>检测保真度：以 FP32 检测结果为真值时量化检测结果的 mAP@0.5</translation>
    </message>
    <message>
        <source>Detection fidelity at IoU 0.5:0.95: how precisely the boxes stay in place</source>
        <translation>IoU 0.5:0.95 下的检测保真度：框的位置保持得有多精确</translation>
    </message>
    <message>
        <source>mAP@0.5:0.95 against the labels of a data set</source>
        <translation>对照数据集标注的 mAP@0.5:0.95</translation>
    </message>
    <message>
        <source>Median latency of the quantized model alone after warm-up, ± half the range from the fastest run to the 95th percentile</source>
        <translation>量化模型单独运行、预热后的延迟中位数，± 最快一次到第 95 百分位之间范围的一半</translation>
    </message>
    <message>
        <source>Nodes left float, and the change from the run above</source>
        <translation>保留为浮点的节点数，以及相对上一次运行的变化</translation>
    </message>
</context>
<context>
    <name>ql::RunsView</name>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation>导出 CSV...</translation>
    </message>
    <message>
        <source>Show the selected run&apos;s model in every view</source>
        <translation>在所有视图中显示所选运行的模型</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Plot</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Each re-quantize adds a run. Select two runs to compare them.</source>
        <translation>每次重新量化都会新增一条运行记录。选择两条记录即可对比。</translation>
    </message>
    <message>
        <source>Select two runs (Ctrl+click) to compare them.</source>
        <translation>选择两条运行记录（Ctrl+单击）进行对比。</translation>
    </message>
    <message>
        <source>Run %1 against run %2</source>
        <translation>运行 %1 对比运行 %2</translation>
    </message>
    <message>
        <source>change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Same exclusions.</source>
        <translation>排除列表相同。</translation>
    </message>
    <message>
        <source>Exclusions of run %1 that run %2 does not have, and the reverse:</source>
        <translation>运行 %1 有而运行 %2 没有的排除节点，以及相反的情况：</translation>
    </message>
    <message>
        <source>Layers whose SQNR changed most:</source>
        <translation>SQNR 变化最大的层：</translation>
    </message>
    <message>
        <source>Select two runs to compare them; double-click a run to show it in every view.</source>
        <translation>选择两条运行记录进行对比；双击某条记录可在所有视图中显示它。</translation>
    </message>
    <message>
        <source>Measuring the baseline (the loaded model&apos;s settings made here, with no exclusions)...</source>
        <translation>正在测量基线（在此按相同设置生成、不排除任何节点）...</translation>
    </message>
    <message>
        <source>Baseline (run %1, no exclusions) against the loaded model (run %2): output %3 dB against %4 dB (%5 dB) from the calibration and settings alone, before any exclusion.</source>
        <translation>基线（运行 %1，无排除）对比已加载模型（运行 %2）：输出 %3 dB 对 %4 dB（%5 dB），这仅来自校准和设置，与排除无关。</translation>
    </message>
</context>
<context>
    <name>ql::StudyDialog</name>
    <message>
        <source>Study</source>
        <translation>对比研究</translation>
    </message>
    <message>
        <source>Variants quantized from the FP32 model</source>
        <translation>由 FP32 模型量化的变体</translation>
    </message>
    <message>
        <source>Calibration methods:</source>
        <translation>校准方法：</translation>
    </message>
    <message>
        <source>MinMax</source>
        <translation>MinMax</translation>
    </message>
    <message>
        <source>Entropy</source>
        <translation>Entropy</translation>
    </message>
    <message>
        <source>Percentile</source>
        <translation>Percentile</translation>
    </message>
    <message>
        <source>Weights:</source>
        <translation>权重：</translation>
    </message>
    <message>
        <source>Per-tensor</source>
        <translation>逐张量</translation>
    </message>
    <message>
        <source>Per-channel</source>
        <translation>逐通道</translation>
    </message>
    <message numerus="yes">
        <source>Calibration sizes (images, comma separated; &quot;all&quot; for the whole set of %n):</source>
        <translation>
            <numerusform>校准规模（图像数，逗号分隔；&quot;all&quot; 表示全部 %n 张）：</numerusform>
        </translation>
    </message>
    <message>
        <source>Nodes kept float:</source>
        <translation>保持浮点的节点：</translation>
    </message>
    <message>
        <source>none (everything quantized)</source>
        <translation>无（全部量化）</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n node(s))</source>
        <translation>
            <numerusform>%1（%n 个节点）</numerusform>
        </translation>
    </message>
    <message>
        <source>Other models to score</source>
        <translation>要评分的其他模型</translation>
    </message>
    <message>
        <source>Add...</source>
        <translation>添加...</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Models to Score</source>
        <translation>要评分的模型</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <source>Run Study</source>
        <translation>运行对比研究</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Rows already computed for the same model, images and settings come from the study cache.</source>
        <translation>相同模型、图像和设置下已算过的行直接取自研究缓存。</translation>
    </message>
    <message>
        <source>Open as Quantized Model</source>
        <translation>作为量化模型打开</translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation>导出 CSV...</translation>
    </message>
    <message>
        <source>Export Markdown...</source>
        <translation>导出 Markdown...</translation>
    </message>
    <message>
        <source>Calibration size &quot;%1&quot; is not &quot;all&quot; or a positive whole number.</source>
        <translation>校准规模 &quot;%1&quot; 既不是 &quot;all&quot; 也不是正整数。</translation>
    </message>
    <message>
        <source>Tick at least one method, one kind of weights, one calibration size and one exclusion list, or add another model.</source>
        <translation>请至少勾选一种方法、一种权重方式、一个校准规模和一个排除列表，或添加另一个模型。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message numerus="yes">
        <source>Running the study: %n variant(s), %1 other model(s)...</source>
        <translation>
            <numerusform>正在运行对比研究：%n 个变体，%1 个其他模型...</numerusform>
        </translation>
    </message>
    <message>
        <source>No plot: a study of one row has nothing to compare.</source>
        <translation>无图：只有一行的研究没有可比较的内容。</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) computed, %1 from the study cache; calibration ran on %2 image(s).</source>
        <translation>
            <numerusform>计算了 %n 行，%1 行取自研究缓存；校准使用了 %2 张图像。</numerusform>
        </translation>
    </message>
    <message>
        <source>There is no study to export.</source>
        <translation>没有可导出的对比研究。</translation>
    </message>
    <message>
        <source>Export Study as Markdown</source>
        <translation>将对比研究导出为 Markdown</translation>
    </message>
    <message>
        <source>Export Study as CSV</source>
        <translation>将对比研究导出为 CSV</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export Study</source>
        <translation>导出对比研究</translation>
    </message>
    <message>
        <source>The model of this row is no longer on disk: %1</source>
        <translation>该行的模型已不在磁盘上：%1</translation>
    </message>
</context>
<context>
    <name>ql::SuggestOptionsDialog</name>
    <message>
        <source>Suggest Exclusions</source>
        <translation>建议排除</translation>
    </message>
    <message>
        <source>Output SQNR (dB)</source>
        <translation>输出 SQNR (dB)</translation>
    </message>
    <message>
        <source>Detection fidelity (mAP@0.5 against FP32 detections)</source>
        <translation>检测保真度（以 FP32 检测结果为基准的 mAP@0.5）</translation>
    </message>
    <message>
        <source>Modules (/model.N/)</source>
        <translation>模块 (/model.N/)</translation>
    </message>
    <message>
        <source>Sub-modules (/model.N/m.K/)</source>
        <translation>子模块 (/model.N/m.K/)</translation>
    </message>
    <message>
        <source>Single nodes</source>
        <translation>单个节点</translation>
    </message>
    <message>
        <source>Each candidate is quantized and run on these images: more images, a steadier choice and a slower search.</source>
        <translation>每个候选方案都会量化并在这些图像上运行：图像越多，选择越稳定，搜索也越慢。</translation>
    </message>
    <message>
        <source>Aim for:</source>
        <translation>优化目标：</translation>
    </message>
    <message>
        <source>Target:</source>
        <translation>目标值：</translation>
    </message>
    <message>
        <source>Try excluding:</source>
        <translation>尝试排除：</translation>
    </message>
    <message>
        <source>At most this many steps:</source>
        <translation>最多步数：</translation>
    </message>
    <message>
        <source>Images to score on:</source>
        <translation>用于评分的图像数：</translation>
    </message>
    <message>
        <source> dB</source>
        <translation> dB</translation>
    </message>
    <message numerus="yes">
        <source>Start from the current exclusions (%n node(s))</source>
        <translation>
            <numerusform>从当前的排除列表开始（%n 个节点）</numerusform>
        </translation>
    </message>
    <message>
        <source>Box precision (mAP@0.5:0.95 against FP32 detections)</source>
        <translation>框精度（以 FP32 检测结果为基准的 mAP@0.5:0.95）</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>A step whose quantized model runs slower than this (median) is not taken: the objective is made as high as this budget allows.</source>
        <translation>量化模型（中位数）比此更慢的步骤不会被采用：在此预算内使目标尽可能高。</translation>
    </message>
    <message>
        <source>Check each step on the images not scored on, and stop when they stop improving</source>
        <translation>在未用于评分的图像上检查每一步，并在其不再改善时停止</translation>
    </message>
    <message>
        <source>Latency budget:</source>
        <translation>延迟预算：</translation>
    </message>
    <message>
        <source>Modules, then the sub-modules and nodes inside the most harmful ones, are each left in float alone to rank them; then the best of the next few is excluded at each step (a big group only when it gains far more than a small one) until the target is reached, and exclusions that no longer help are dropped at the end. Calibration statistics are cached, so each candidate costs one quantization and a few inferences.</source>
        <translation>先将各模块、再将最有害模块中的子模块和节点分别单独保留为浮点以进行排序；然后每一步从排名靠前的几个中排除效果最好的一个（只有当大组的收益远超小组时才选大组），直到达到目标，最后去掉不再有帮助的排除项。校准统计已缓存，因此每个候选方案只需一次量化和几次推理。</translation>
    </message>
    <message numerus="yes">
        <source>Accuracy (mAP@0.5:0.95 against the data set&apos;s labels, %n images)</source>
        <translation>
            <numerusform>精度（对照数据集标注的 mAP@0.5:0.95，%n 张图像）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Accuracy (mAP@0.5 against the data set&apos;s labels, %n images)</source>
        <translation>
            <numerusform>精度（对照数据集标注的 mAP@0.5，%n 张图像）</numerusform>
        </translation>
    </message>
    <message>
        <source>Try INT16 before float</source>
        <translation>先尝试 INT16 再退回浮点</translation>
    </message>
    <message>
        <source>Each group the search leaves float is tried with 16-bit activations and weights (TensorQuantOverrides) first, and stays INT16 when that scores as well as float</source>
        <translation>搜索保留为浮点的每个分组先以 16 位激活和权重（TensorQuantOverrides）尝试，得分与浮点相当时保持 INT16</translation>
    </message>
</context>
<context>
    <name>ql::SuggestionDialog</name>
    <message>
        <source>exact (float)</source>
        <translation>精确（浮点）</translation>
    </message>
    <message>
        <source>%1 dB</source>
        <translation>%1 dB</translation>
    </message>
    <message>
        <source>Suggested Exclusions</source>
        <translation>建议的排除项</translation>
    </message>
    <message>
        <source>(start)</source>
        <translation>（起点）</translation>
    </message>
    <message>
        <source>latency (ms)</source>
        <translation>延迟 (ms)</translation>
    </message>
    <message numerus="yes">
        <source>The target (%1) is reached with %n node(s) left in float:</source>
        <translation>
            <numerusform>保留 %n 个节点为浮点即可达到目标 (%1)：</numerusform>
        </translation>
    </message>
    <message>
        <source>The target (%1) was not reached in %2 steps; the best found:</source>
        <translation>在 %2 步内未达到目标 (%1)；找到的最佳结果：</translation>
    </message>
    <message>
        <source>Apply Exclusions</source>
        <translation>应用排除项</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Apply and Re-quantize</source>
        <translation>应用并重新量化</translation>
    </message>
    <message>
        <source>(your list)</source>
        <translation>（您的列表）</translation>
    </message>
    <message>
        <source>%1. %2 nodes excluded: %3</source>
        <translation>%1. 排除 %2 个节点：%3</translation>
    </message>
    <message>
        <source> (validation %1)</source>
        <translation>（验证 %1）</translation>
    </message>
    <message>
        <source>, %1 ms (%2-%3)</source>
        <translation>，%1 ms（%2-%3）</translation>
    </message>
    <message>
        <source>  (undone: validation stopped improving)</source>
        <translation>  （已撤销：验证结果不再提升）</translation>
    </message>
    <message numerus="yes">
        <source>As high as the objective goes: %n node(s) left in float:</source>
        <translation>
            <numerusform>目标值尽可能高：保留 %n 个节点为浮点：</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped: %1</source>
        <translation>已停止：%1</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>%1, scoring images</source>
        <translation>%1，评分图像</translation>
    </message>
    <message>
        <source>validation images</source>
        <translation>验证图像</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步骤</translation>
    </message>
</context>
<context>
    <name>ql::WeightErrorModel</name>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Per channel</source>
        <translation>逐通道</translation>
    </message>
    <message>
        <source>SQNR (dB)</source>
        <translation>SQNR (dB)</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <source>MSE</source>
        <translation>均方误差</translation>
    </message>
    <message>
        <source>Max |error|</source>
        <translation>最大 |误差|</translation>
    </message>
    <message>
        <source>Worst channel (dB)</source>
        <translation>最差通道 (dB)</translation>
    </message>
    <message>
        <source>bias</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>%1 of %2 weights differ from the FP32 file by more than rounding: a QAT model or another checkpoint; their error is not quantization alone</source>
        <translation>%2 个权重中有 %1 个与 FP32 文件的差异超出舍入：这是 QAT 模型或另一个检查点；其误差并非仅来自量化</translation>
    </message>
    <message>
        <source>Elements whose error exceeds half a quantization step (clipping aside): weights changed since the FP32 file</source>
        <translation>误差超过半个量化步长的元素（截断除外）：自 FP32 文件以来权重已改变</translation>
    </message>
    <message>
        <source>Beyond rounding</source>
        <translation>超出舍入</translation>
    </message>
    <message>
        <source>%1 %  weights changed</source>
        <translation>%1 %  权重已改变</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 of %2 elements beyond rounding, %3 clipped; SQNR of rounding and clipping alone: %4 dB</source>
        <translation>%2 个元素中有 %1 个超出舍入，%3 个被截断；仅计舍入与截断的 SQNR：%4 dB</translation>
    </message>
</context>
<context>
    <name>ql::Workspace</name>
    <message>
        <source>Loading %1...</source>
        <translation>正在加载 %1...</translation>
    </message>
    <message>
        <source>Comparing weights...</source>
        <translation>正在比较权重...</translation>
    </message>
    <message numerus="yes">
        <source>Comparing activations on %n images...</source>
        <translation>
            <numerusform>正在 %n 张图像上比较激活...</numerusform>
        </translation>
    </message>
    <message>
        <source>Exclude or include %1</source>
        <translation>排除或包含 %1</translation>
    </message>
    <message>
        <source>There is no quantized model to save.</source>
        <translation>没有可保存的量化模型。</translation>
    </message>
    <message>
        <source>Open the FP32 model first.</source>
        <translation>请先打开 FP32 模型。</translation>
    </message>
    <message>
        <source>Open both models first.</source>
        <translation>请先打开两个模型。</translation>
    </message>
    <message>
        <source>Writing the report...</source>
        <translation>正在生成报告...</translation>
    </message>
    <message>
        <source>Apply suggested exclusions</source>
        <translation>应用建议的排除节点</translation>
    </message>
    <message numerus="yes">
        <source>Exclude %n nodes</source>
        <translation>
            <numerusform>排除 %n 个节点</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Include %n nodes</source>
        <translation>
            <numerusform>重新包含 %n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <source>Measuring the sensitivity of each group of nodes...</source>
        <translation>正在测量每组节点的敏感度...</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>Detecting objects in %1...</source>
        <translation>正在检测 %1 中的目标...</translation>
    </message>
    <message>
        <source>The image preprocessing is still being chosen; try again when it is done.</source>
        <translation>仍在选择图像预处理方式；完成后请重试。</translation>
    </message>
    <message>
        <source>Choosing the image preprocessing...</source>
        <translation>正在选择图像预处理方式...</translation>
    </message>
    <message>
        <source>chosen automatically: the most confident FP32 detections of %1 conventions on %2 images</source>
        <translation>自动选择：在 %2 张图像上比较 %1 种约定，FP32 检测置信度最高</translation>
    </message>
    <message>
        <source>the automatic choice failed (%1); the model&apos;s default is used</source>
        <translation>自动选择失败（%1）；使用模型的默认设置</translation>
    </message>
    <message>
        <source>Preparing the demo (YOLOv8n is quantized once, then kept)...</source>
        <translation>正在准备演示（YOLOv8n 只量化一次，之后保留）...</translation>
    </message>
    <message>
        <source>Open a QDQ quantized model first: its settings are read back from its Q/DQ pairs.</source>
        <translation>请先打开 QDQ 量化模型：其设置从 Q/DQ 对中读回。</translation>
    </message>
    <message>
        <source>%1 ± %2 ms</source>
        <translation>%1 ± %2 毫秒</translation>
    </message>
    <message>
        <source>FP32: %1 boxes, %2. Quantized: %3 boxes, %4. %5 matched (%6 moved), %7 missed by the quantized model, %8 extra.</source>
        <translation>FP32：%1 个框，%2。量化：%3 个框，%4。匹配 %5 个（其中 %6 个位置偏移），量化模型漏检 %7 个，多检 %8 个。</translation>
    </message>
    <message>
        <source>Latency: median ± half the range from the fastest run to the 95th percentile, of %1 timed runs per model after warm-up.</source>
        <translation>延迟：预热后每个模型计时运行 %1 次，显示中位数 ± 最快一次到第 95 百分位之间范围的一半。</translation>
    </message>
    <message>
        <source>baseline: same settings, no exclusions</source>
        <translation>基线：相同设置，无排除</translation>
    </message>
    <message>
        <source>baseline: no exclusions</source>
        <translation>基线：无排除</translation>
    </message>
    <message numerus="yes">
        <source>suggestion applied, %n excluded</source>
        <translation>
            <numerusform>已应用建议，排除 %n 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>re-quantized, %n excluded</source>
        <translation>
            <numerusform>重新量化，排除 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>Measuring run %1...</source>
        <translation>正在测量运行 %1...</translation>
    </message>
    <message>
        <source>Timing run %1...</source>
        <translation>正在为运行 %1 计时...</translation>
    </message>
    <message>
        <source>Scoring run %1 on the data set...</source>
        <translation>正在数据集上为运行 %1 评分...</translation>
    </message>
    <message>
        <source>Scoring the FP32 model on the data set...</source>
        <translation>正在数据集上为 FP32 模型评分...</translation>
    </message>
    <message>
        <source>Open the FP32 model and images first: the images score each candidate (and calibrate when no calibration set is chosen).</source>
        <translation>请先打开 FP32 模型和图像：图像用于评估每个候选方案（未选择校准集时也用于校准）。</translation>
    </message>
    <message>
        <source>Choose a calibration set (Analysis &gt; Quantization Settings) or images (File &gt; Open Images) first: they calibrate the quantization.</source>
        <translation>请先选择校准集（分析 &gt; 量化设置）或图像（文件 &gt; 打开图像）：它们用于量化校准。</translation>
    </message>
    <message numerus="yes">
        <source>Quantizing with %n excluded nodes, calibrating on %1...</source>
        <translation>
            <numerusform>正在量化（排除 %n 个节点），校准图像：%1...</numerusform>
        </translation>
    </message>
    <message>
        <source>no images yet (choose a calibration set, or comparison images)</source>
        <translation>尚无图像（请选择校准集或对比图像）</translation>
    </message>
    <message>
        <source>the comparison images (no calibration set chosen), which cannot be read: %1</source>
        <translation>对比图像（未选择校准集），但无法读取：%1</translation>
    </message>
    <message numerus="yes">
        <source>the %n comparison images (no calibration set chosen)</source>
        <translation>
            <numerusform>%n 张对比图像（未选择校准集）</numerusform>
        </translation>
    </message>
    <message>
        <source>a calibration set that cannot be read: %1</source>
        <translation>无法读取的校准集：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n images of %1</source>
        <translation>
            <numerusform>%1 中的 %n 张图像</numerusform>
        </translation>
    </message>
    <message>
        <source>set in Quantization Settings: %1</source>
        <translation>在量化设置中指定：%1</translation>
    </message>
    <message>
        <source>the comparison image %1 (no calibration set chosen)</source>
        <translation>对比图像 %1（未选择校准集）</translation>
    </message>
    <message>
        <source>1 image, %1</source>
        <translation>1 张图像：%1</translation>
    </message>
    <message>
        <source>%1 missed, %2 extra, %3 moved</source>
        <translation>漏检 %1，多检 %2，偏移 %3</translation>
    </message>
    <message>
        <source>Choosing the images INT8 changed most...</source>
        <translation>正在挑选 INT8 改变最多的图片...</translation>
    </message>
    <message>
        <source>mAP against labels needs a labelled data set: File &gt; Open Labelled Data Set.</source>
        <translation>对照标注的 mAP 需要带标注的数据集：文件 &gt; 打开带标注的数据集。</translation>
    </message>
    <message>
        <source>Choosing the frames of %1 INT8 changed most...</source>
        <translation>正在挑选 %1 中 INT8 改变最大的帧...</translation>
    </message>
    <message>
        <source>en</source>
        <comment>The language code of the written report: en, or zh_CN in the Chinese translation</comment>
        <translation>zh_CN</translation>
    </message>
    <message>
        <source>%1: the models could not compare this frame</source>
        <translation>%1：模型无法对比这一帧</translation>
    </message>
    <message>
        <source>Playing %1 through both models...</source>
        <translation>正在用两个模型播放 %1...</translation>
    </message>
    <message>
        <source>Analysis › Detector Head</source>
        <translation>分析 › 检测头</translation>
    </message>
    <message numerus="yes">
        <source>Ranking %n image(s) by how much INT8 changed their detections...</source>
        <translation>
            <numerusform>正在按 INT8 对检测结果的改变程度为 %n 张图像排序...</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot explain the boxes of %1: %2</source>
        <translation>无法解释 %1 的框：%2</translation>
    </message>
    <message>
        <source>Explaining the boxes of %1...</source>
        <translation>正在解释 %1 的框...</translation>
    </message>
    <message>
        <source>set “Convert to opset” to 13 in Analysis › Quantization Settings</source>
        <translation>在 分析 › 量化设置 中把“转换到 opset”设为 13</translation>
    </message>
    <message>
        <source>Tracing where the boxes of %1 were lost...</source>
        <translation>正在追踪 %1 的框在何处丢失...</translation>
    </message>
    <message numerus="yes">
        <source>Suggesting exclusions for %n box(es)...</source>
        <translation>
            <numerusform>正在为 %n 个框建议排除节点...</numerusform>
        </translation>
    </message>
    <message>
        <source>Exclude the nodes suggested for the box</source>
        <translation>排除为此框建议的节点</translation>
    </message>
    <message>
        <source>Open the FP32 model first: a node&apos;s precision names its nodes.</source>
        <translation>请先打开 FP32 模型：节点精度按其节点命名。</translation>
    </message>
    <message numerus="yes">
        <source>Quantize %n node(s) at INT16</source>
        <translation>
            <numerusform>以 INT16 量化 %n 个节点</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Keep %n node(s) float</source>
        <translation>
            <numerusform>保持 %n 个节点为浮点</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Quantize %n node(s) at INT8</source>
        <translation>
            <numerusform>以 INT8 量化 %n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <source>Open an FP32 model first: a study quantizes its variants from it.</source>
        <translation>请先打开 FP32 模型：对比研究的变体由它量化得到。</translation>
    </message>
    <message>
        <source>Open a labelled data set first (File › Open Labelled Data Set): a study scores every row on it.</source>
        <translation>请先打开带标注的数据集（文件 › 打开带标注的数据集）：对比研究在其上为每一行评分。</translation>
    </message>
    <message>
        <source>current exclusions</source>
        <translation>当前排除列表</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
</context>
</TS>
