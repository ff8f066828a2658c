# tc_error_tables(<target> <errors.json>): a library's error categories, written once as data.
#
# The JSON file (see protocol/errors.json) gives the C++ namespace, the include folder of the
# generated headers and, per category: the enum, its header's name, the category function and
# name, an optional doc line, optional key functions, and its codes in order (values from 1):
# [code, snake_case key, English message, optional note], or a string for a group comment.
#
# At configure time (cmake re-runs when the file changes) this writes into the build tree one
# header per category (the enum, the category function, make_error_code, the key functions and
# boost's is_error_code_enum) and one source with the tables (tc::errors::TableCategory), adds
# the source to <target> and the headers' folder to its PUBLIC include path. The library's own
# public headers include the generated ones, so callers see the same names as before.

# A C++ string literal's body.
function(_tc_cpp_literal out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

# The last index of the JSON array at <path...> in <json>.
function(_tc_json_last out json)
  string(JSON count LENGTH "${json}" ${ARGN})
  math(EXPR last "${count} - 1")
  set(${out} ${last} PARENT_SCOPE)
endfunction()

# Writes ${path} only when its content changes, so that nothing rebuilds for nothing.
function(_tc_write_if_changed path content)
  file(WRITE ${path}.tmp "${content}")
  configure_file(${path}.tmp ${path} COPYONLY)
  file(REMOVE ${path}.tmp)
endfunction()

# Reads one category (a JSON object) and sets ${hpp} and ${cpp}, in the caller's scope, to its
# declarations (for its header) and its table and functions (for the source).
function(_tc_error_category category hpp cpp)
  string(JSON enum GET "${category}" enum)
  string(JSON function GET "${category}" category)
  string(JSON name GET "${category}" name)
  foreach(optional doc key fromKey unknownKey wireNames)
    string(JSON ${optional} ERROR_VARIABLE missing GET "${category}" ${optional})
    if(missing)
      set(${optional} "")
    endif()
  endforeach()
  if(unknownKey STREQUAL "")
    set(unknownKey unknown)
  endif()

  set(enumBody "")
  set(rows "")
  set(first " = 1")
  set(firstKey "")
  _tc_json_last(last "${category}" codes)
  foreach(i RANGE ${last})
    string(JSON type TYPE "${category}" codes ${i})
    string(JSON item GET "${category}" codes ${i})
    if(type STREQUAL "STRING")
      string(APPEND enumBody "    // ${item}\n")
      continue()
    endif()
    string(JSON code GET "${category}" codes ${i} 0)
    string(JSON codeKey GET "${category}" codes ${i} 1)
    string(JSON message GET "${category}" codes ${i} 2)
    string(JSON note ERROR_VARIABLE missing GET "${category}" codes ${i} 3)
    if(missing)
      string(APPEND enumBody "    ${code}${first},\n")
    else()
      string(APPEND enumBody "    ${code}${first}, // ${note}\n")
    endif()
    set(first "")
    if(firstKey STREQUAL "")
      set(firstKey "${codeKey}")
    endif()
    _tc_cpp_literal(keyLiteral "${codeKey}")
    _tc_cpp_literal(messageLiteral "${message}")
    string(APPEND rows "    errors::ErrcEntry{${enum}::${code}, ${keyLiteral}, ${messageLiteral}},\n")
  endforeach()

  set(h "")
  if(NOT doc STREQUAL "")
    string(APPEND h "// ${doc}\n")
  endif()
  string(APPEND h "enum class ${enum} {\n${enumBody}};\n\n"
         "const boost::system::error_category& ${function}() noexcept;\n\n"
         "inline boost::system::error_code make_error_code(${enum} e) noexcept {\n"
         "    return {static_cast<int>(e), ${function}()};\n}\n")

  set(table "k${enum}Table")
  string(SUBSTRING "${enum}" 0 1 initial)
  string(SUBSTRING "${enum}" 1 -1 rest)
  string(TOLOWER "${initial}" initial)
  set(accessor "${initial}${rest}Table")
  string(CONCAT c "namespace {\n\nconstexpr std::array ${table}{\n${rows}};\n\n"
        "const auto& ${accessor}() noexcept {\n"
        "    static const errors::TableCategory instance(\"${name}\", ${table});\n"
        "    return instance;\n}\n\n"
        "} // namespace\n\n"
        "const boost::system::error_category& ${function}() noexcept {\n"
        "    return ${accessor}();\n}\n")
  if(NOT key STREQUAL "")
    string(APPEND h "\n// The stable snake_case key, e.g. \"${firstKey}\"; \"${unknownKey}\" for a value"
           " outside the\n// table.\nstd::string_view ${key}(${enum} e) noexcept;\n")
    set(overrides "")
    if(NOT wireNames STREQUAL "")
      _tc_json_last(lastOverride "${wireNames}")
      foreach(i RANGE ${lastOverride})
        string(JSON code MEMBER "${wireNames}" ${i})
        string(JSON wire GET "${wireNames}" ${code})
        string(APPEND overrides "    if (e == ${enum}::${code}) {\n        return \"${wire}\";\n    }\n")
      endforeach()
    endif()
    string(APPEND c "\nstd::string_view ${key}(${enum} e) noexcept {\n${overrides}"
           "    const auto* entry = ${accessor}().find(e);\n"
           "    return entry != nullptr ? entry->key : std::string_view{\"${unknownKey}\"};\n}\n")
  endif()
  if(NOT fromKey STREQUAL "")
    string(APPEND h "// The code of a key, if any.\n"
           "std::optional<${enum}> ${fromKey}(std::string_view key) noexcept;\n")
    string(APPEND c "\nstd::optional<${enum}> ${fromKey}(std::string_view key) noexcept {\n"
           "    return ${accessor}().fromKey(key);\n}\n")
  endif()
  set(${hpp} "${h}" PARENT_SCOPE)
  set(${cpp} "${c}" PARENT_SCOPE)
endfunction()

function(tc_error_tables target data)
  get_filename_component(data "${data}" ABSOLUTE)
  # The data file's path from the repository's root (errors/cmake/../..), in any build tree.
  get_filename_component(root "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../.." ABSOLUTE)
  file(RELATIVE_PATH source ${root} ${data})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${data}
                                                                ${CMAKE_CURRENT_FUNCTION_LIST_FILE})
  file(READ ${data} json)
  string(JSON ns GET "${json}" namespace)
  string(JSON include GET "${json}" include)
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/generated)
  string(CONCAT banner "// Generated from ${source} by tc_error_tables() (errors/cmake/error_tables.cmake):\n"
             "// edit the JSON file, not this one.\n")

  set(includes "")
  set(tables "")
  _tc_json_last(last "${json}" categories)
  foreach(i RANGE ${last})
    string(JSON category GET "${json}" categories ${i})
    string(JSON enum GET "${category}" enum)
    string(JSON header GET "${category}" header)
    _tc_error_category("${category}" body table)
    string(CONCAT text "#pragma once\n${banner}\n#include <boost/system/error_code.hpp>\n#include <optional>\n"
      "#include <string_view>\n#include <type_traits>\n\nnamespace ${ns} {\n\n${body}\n"
      "} // namespace ${ns}\n\nnamespace boost::system {\n"
      "template <> struct is_error_code_enum<${ns}::${enum}> : std::true_type {};\n"
      "} // namespace boost::system\n")
    _tc_write_if_changed(${generated}/include/${include}/${header} "${text}")
    string(APPEND includes "#include \"${include}/${header}\"\n")
    string(APPEND tables "\n${table}")
  endforeach()
  string(CONCAT text "${banner}#include \"tc/errors/error_table.hpp\"\n${includes}\n#include <array>\n\n"
    "namespace ${ns} {\n${tables}\n} // namespace ${ns}\n")
  _tc_write_if_changed(${generated}/${target}_error_tables.cpp "${text}")
  target_sources(${target} PRIVATE ${generated}/${target}_error_tables.cpp)
  target_include_directories(${target} PUBLIC ${generated}/include)
  target_link_libraries(${target} PRIVATE tc::errors)
endfunction()
