#pragma once
// What a benchmark's figures were measured on: the CPU, its cores, the kernel, memory and the
// load at the time, for the JSON every benchmark prints.

#include <nlohmann/json.hpp>

namespace tc::bench {

nlohmann::json machineDescription();

} // namespace tc::bench
