# Refuse or warn, never garbage: models built by tests/python/make_refusal_models.py (onnx.helper,
# answers known by construction) through quantlens-cli. Needs a python3 with onnx, numpy and cv2
# (Debian's python3-onnx, python3-numpy, python3-opencv, installed by scripts/setup.sh).
set(R ${CMAKE_CURRENT_BINARY_DIR}/refusal-models)
add_test(NAME refusals.make_models
         COMMAND ${QUANTLENS_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/python/make_refusal_models.py ${R})
set_tests_properties(refusals.make_models PROPERTIES FIXTURES_SETUP refusal_models
    PASS_REGULAR_EXPRESSION "auto preprocessing should choose BGR 0-255 resize")

# name, regex the output must match, regex it must not match ("" for none), then the arguments.
function(add_refusal_test name regex forbidden)
    add_test(NAME ${name} COMMAND ${CLI} ${ARGN})
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED refusal_models PASS_REGULAR_EXPRESSION "${regex}")
    if(NOT forbidden STREQUAL "")
        set_tests_properties(${name} PROPERTIES FAIL_REGULAR_EXPRESSION "${forbidden}")
    endif()
endfunction()

# Layouts: several outputs, a shape no layout fits, a given layout that does not fit, class names.
# NanoDet's six outputs are read as a GFL head (issue 16); other multi-output refusals are in
# tests/cli/CMakeLists.txt (cli.refuse_several_outputs) and DetectionSanityTest.
add_refusal_test(cli.reads_nanodet_six_outputs
    "nanodet_six_outputs.onnx: 0 detections.*read as gfl"
    "error" detect ${R}/nanodet_six_outputs.onnx ${R}/noise.png)
add_refusal_test(cli.refuse_named_output_of_unknown_shape
    "error: .*output 'cls_pred_stride_8': an output of shape \\[1,1600,80\\] fits none of the layouts"
    "detections \\(" detect ${R}/nanodet_six_outputs.onnx ${R}/noise.png --output-name cls_pred_stride_8)
add_refusal_test(cli.refuse_unknown_shape
    "shape \\[1,1600,80\\] fits none of the layouts QuantLens reads for a 320x320 input: ultralytics \\[1,4\\+C,2100\\|2125\\|8500\\], v5 \\[1,6300\\|6375,5\\+C\\], yolox \\[1,2100,5\\+C\\], e2e \\[1,N,6\\], .*nas 2 outputs \\[1,N,4\\] and \\[1,N,C\\]. if it is one of them with other anchors, name it with --layout"
    "detections \\(" detect ${R}/unknown_shape.onnx ${R}/noise.png)
add_refusal_test(cli.refuse_given_layout_says_why
    "shape \\[1,1600,80\\] cannot be read as --layout yolox: yolox \\[1,N,5\\+C\\] has one row per cell of the stride 8/16/32 grids, 2100 for this input, this has 1600"
    "with --layout|detections \\(" detect ${R}/unknown_shape.onnx ${R}/noise.png --layout yolox)
add_refusal_test(cli.refuse_class_count_from_metadata
    "shape \\[1,84,2100\\] read as ultralytics carries 80 classes, but the model's metadata names 3"
    "detections \\(" detect ${R}/wrong_class_count.onnx ${R}/noise.png)
add_refusal_test(cli.refuse_class_count_from_names
    "carries 80 classes, but --names .*two_names.txt names 2"
    "detections \\(" detect ${R}/ultralytics_zero.onnx ${R}/noise.png --names ${R}/two_names.txt)

# Warnings per run: nothing found (a YOLOX head read as YOLOX, all zero), --max-det reached.
# ([1,N,85] is also a decoded YOLOv6 head's shape: the layout is named.)
add_refusal_test(cli.warn_nothing_found
    "yolox_zero.onnx: 0 detections.*warning: the FP32 model found nothing on the image at --conf 0.25: most likely the preprocessing is not the model's .*--preprocess auto.*read as yolox. try --layout"
    "" detect ${R}/yolox_zero.onnx ${R}/noise.png --layout yolox)
add_refusal_test(cli.warn_nothing_found_eval
    "warning: the FP32 model found nothing on any of the 2 images at --conf 0.25"
    "" eval ${R}/ultralytics_zero.onnx ${R}/ultralytics_zero.onnx --data ${R}/data --runs 1)
add_refusal_test(cli.warn_max_det
    "every_anchor.onnx: 300 detections.*warning: the FP32 model reached --max-det 300 on 1 of 1 image at --conf 0.25: most likely the output layout is wrong \\(read as ultralytics. try --layout\\)"
    "" detect ${R}/every_anchor.onnx ${R}/noise.png)
add_refusal_test(cli.no_warning_below_max_det
    "every_anchor.onnx: 2100 detections"
    "warning" detect ${R}/every_anchor.onnx ${R}/noise.png --max-det 2500)

# --preprocess auto: only BGR, 0-255, stretched makes auto_preprocess.onnx confident (the
# script checks that with numpy); flags given stay as given.
add_refusal_test(cli.preprocess_auto
    "--preprocess auto chose BGR 0-255 resize: FP32 top-10 score sum 1.00 per image on 1 image \\(24 conventions tried, 0 set aside for reaching --max-det; next best: BGR 0-255 letterbox 0.59\\)"
    "" detect ${R}/auto_preprocess.onnx ${R}/blue.png --preprocess auto)
add_refusal_test(cli.preprocess_auto_keeps_given_flags
    "--preprocess auto chose BGR 0-255 letterbox: .*\\(4 conventions tried,"
    "" detect ${R}/auto_preprocess.onnx ${R}/blue.png --preprocess auto --no-scale --resize letterbox)

# One line for ONNX Runtime's input size mismatch.
add_refusal_test(cli.input_size_mismatch_one_line
    "error: .*e2e_zero.onnx: input 'images' expects \\[1,3,320,320\\], got \\[1,3,640,640\\]"
    "Status Message|\n.*onnxruntime" detect ${R}/e2e_zero.onnx ${R}/noise.png --input-width 640 --input-height 640)

# A pruned model against its original (W1, its float bias B1 and W2 pruned): one verdict at the top
# of compare and inspect (issue 16:
# compare then compares the layers that still pair and lists the others, rather than refusing).
add_refusal_test(cli.pair_verdict_compare
    "warning: .*conv_pruned_qdq.onnx against .*conv_fp32.onnx: these models are not the same network quantized: 3 weights differ in shape \\(e.g. 'W1' \\[3,3,3,3\\] vs FP32 \\[4,3,3,3\\]\\).*Final outputs"
    "error:" compare ${R}/conv_fp32.onnx ${R}/conv_pruned_qdq.onnx --images ${R}/noise.png --top 0)
add_refusal_test(cli.pair_verdict_inspect
    "warning: .*these models are not the same network quantized: 3 weights differ in shape.*W1 +weight +int8 .*shape \\[3,3,3,3\\] differs from the FP32 shape \\[4,3,3,3\\]"
    "" inspect ${R}/conv_fp32.onnx ${R}/conv_pruned_qdq.onnx --weights)
