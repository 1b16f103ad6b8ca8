# The quantizer on older exports and with the TensorRT preset (issue 16, item 3), on models that
# tests/python/make_old_exports.py builds with onnx.helper. Each refusal must come before calibration.
set(OE ${CMAKE_CURRENT_BINARY_DIR}/old-exports)
add_test(NAME quantize.make_old_exports COMMAND ${QUANTLENS_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/python/make_old_exports.py ${OE})
set_tests_properties(quantize.make_old_exports PROPERTIES FIXTURES_SETUP old_exports)

# name, regex, then the arguments; the exit status is printed so that it is held too.
function(add_old_export_test name regex)
    add_test(NAME ${name} COMMAND sh -c "\"$0\" \"$@\"; echo \"exit status $?\"" ${CLI} ${ARGN})
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED old_exports PASS_REGULAR_EXPRESSION "${regex}"
                         FAIL_REGULAR_EXPRESSION "calibrating|Calibration:")
endfunction()

add_old_export_test(cli.quantize_per_channel_needs_upgrade
    "error: [^\n]*/opset11\\.onnx uses opset 11; per-channel Q/DQ needs opset 13 \\(the axis attribute\\): add --upgrade-opset 13 to convert it with ONNX's version converter\nexit status 1"
    quantize ${OE}/opset11.onnx ${CMAKE_CURRENT_BINARY_DIR}/never_written.onnx --calib ${OE}/images --per-channel --no-cache)
add_old_export_test(cli.quantize_tensorrt_preset_needs_upgrade
    "error: [^\n]*/opset11\\.onnx uses opset 11; per-channel Q/DQ needs opset 13 \\(the axis attribute\\): add --upgrade-opset 13 to convert it with ONNX's version converter\nexit status 1"
    quantize ${OE}/opset11.onnx ${CMAKE_CURRENT_BINARY_DIR}/never_written.onnx --calib ${OE}/images --preset tensorrt --no-cache)
add_old_export_test(cli.quantize_refuses_qdq
    "error: [^\n]*/qdq\\.onnx is already quantized \\(QDQ: 2 QuantizeLinear and 3 DequantizeLinear nodes\\); quantize its FP32 model\nexit status 1"
    quantize ${OE}/qdq.onnx ${CMAKE_CURRENT_BINARY_DIR}/never_written.onnx --calib ${OE}/images --no-cache)
add_old_export_test(cli.quantize_refuses_qoperator
    "error: [^\n]*/qoperator\\.onnx is already quantized \\(QOperator: 1 QOperator nodes \\(QLinearConv, \\.\\.\\.\\)\\); quantize its FP32 model\nexit status 1"
    quantize ${OE}/qoperator.onnx ${CMAKE_CURRENT_BINARY_DIR}/never_written.onnx --calib ${OE}/images --no-cache)
add_old_export_test(cli.quantize_refuses_dynamic
    "error: [^\n]*/dynamic\\.onnx is already quantized \\(dynamic: [0-9]+ dynamic quantization nodes \\(DynamicQuantizeLinear, ConvInteger, MatMulInteger\\)\\); quantize its FP32 model\nexit status 1"
    quantize ${OE}/dynamic.onnx ${CMAKE_CURRENT_BINARY_DIR}/never_written.onnx --calib ${OE}/images --no-cache)

# Converted when asked: said before calibrating, then written.
add_test(NAME cli.quantize_upgrade_opset
    COMMAND sh -c "\"$0\" \"$@\"; echo \"exit status $?\"" ${CLI} quantize ${OE}/opset11.onnx ${CMAKE_CURRENT_BINARY_DIR}/opset11_int8.onnx
            --calib ${OE}/images --per-channel --upgrade-opset 13 --no-cache --export-json ${CMAKE_CURRENT_BINARY_DIR}/opset11_int8.json)
set_tests_properties(cli.quantize_upgrade_opset PROPERTIES FIXTURES_REQUIRED old_exports PASS_REGULAR_EXPRESSION
    "Converting [^\n]*/opset11\\.onnx from opset 11 to opset 13 with ONNX's version converter.*Wrote [^\n]*opset11_int8\\.onnx.*exit status 0")

# The TensorRT preset, initializers listed as inputs and --keep-last-layer-float, checked with onnx
# and numpy: scales recomputed from the FP32 weights and from a numpy forward pass of the images.
add_test(NAME python.quantize_tensorrt_preset
    COMMAND ${QUANTLENS_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/python/check_tensorrt_preset.py $<TARGET_FILE:quantlens-cli>
            ${OE} ${CMAKE_CURRENT_BINARY_DIR}/tensorrt-preset)
set_tests_properties(python.quantize_tensorrt_preset PROPERTIES FIXTURES_REQUIRED old_exports LABELS python)

# yolov8n end to end (../shared): the preset with the last layers float, then its fidelity (mAP@0.5 of the
# quantized boxes against the FP32 boxes at least 0.9; 1.0000, mAP@.5:.95 0.9984 on the 3 images with the
# TensorRT placement, 0.97 with the earlier ONNX Runtime placement).
add_test(NAME cli.quantize_tensorrt_yolov8n
    COMMAND sh -c "[ -d '${MODELS}' ] || exit 77; \"$0\" quantize '${MODELS}/yolov8n_fp32.onnx' '${CMAKE_CURRENT_BINARY_DIR}/yolov8n_trt.onnx' --calib '${QUANTLENS_TESTDATA}/calibration' --preset tensorrt --keep-last-layer-float --export-json '${CMAKE_CURRENT_BINARY_DIR}/yolov8n_trt.json' --export-python '${CMAKE_CURRENT_BINARY_DIR}/yolov8n_trt.py' && \"$0\" compare '${MODELS}/yolov8n_fp32.onnx' '${CMAKE_CURRENT_BINARY_DIR}/yolov8n_trt.onnx' --images '${QUANTLENS_TESTDATA}/images'"
            ${CLI})
set_tests_properties(cli.quantize_tensorrt_yolov8n PROPERTIES SKIP_RETURN_CODE 77 PASS_REGULAR_EXPRESSION
    "Keeping 7 last layer\\(s\\) float: [^\n]*/model\\.22/dfl/conv/Conv\n  and the [0-9]+ node\\(s\\) after them \\(output decoding\\).*Wrote [^\n]*yolov8n_trt\\.onnx.*Detection fidelity[^\n]*\n  mAP@0\\.5 (1\\.0000|0\\.9[0-9]+) ")

# The preset's placement on yolov8n (../shared): no Concat or residual-Add pattern TensorRT reformats
# (inspect's placement check), the Q/DQ read only by Conv/Add, and its detection fidelity.
add_test(NAME python.quantize_tensorrt_placement_yolov8n
    COMMAND ${QUANTLENS_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/python/check_tensorrt_preset_yolov8n.py $<TARGET_FILE:quantlens-cli>
            ${QUANTLENS_TESTDATA} ${CMAKE_CURRENT_BINARY_DIR}/tensorrt-preset-yolov8n)
set_tests_properties(python.quantize_tensorrt_placement_yolov8n PROPERTIES SKIP_RETURN_CODE 77 LABELS python)
