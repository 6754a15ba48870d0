// `neuromesh describe`: a chip config summarised for people.
#pragma once

#include <string>

#include "sim/config/chip_config.h"

namespace neuromesh::app {

std::string describe_chip(const config::ChipConfig& chip);

}  // namespace neuromesh::app
