# Fails when a user-visible string in the sources has no finished zh_CN translation: runs lupdate
# over the sources into a copy of the .ts, then looks for unfinished entries.
string(REPLACE "|" ";" SOURCE_DIRS "${SOURCE_DIRS}")  # "|" separates folders on the command line
file(COPY_FILE "${TS_FILE}" "${WORK_DIR}/check_zh_CN.ts")
execute_process(COMMAND "${LUPDATE}" -no-obsolete -locations none ${SOURCE_DIRS} -ts "${WORK_DIR}/check_zh_CN.ts"
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "lupdate failed: ${err}")
endif()
file(STRINGS "${WORK_DIR}/check_zh_CN.ts" lines)
set(previous "")
set(missing "")
foreach(line IN LISTS lines)
    if(line MATCHES "type=\"unfinished\"")
        list(APPEND missing "${previous}")
    endif()
    set(previous "${line}")
endforeach()
if(missing)
    string(REPLACE ";" "\n" missing "${missing}")
    message(FATAL_ERROR "Untranslated strings (run lupdate and translate translations/quantlens_zh_CN.ts):\n${missing}")
endif()
message(STATUS "zh_CN translation complete")
