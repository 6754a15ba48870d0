// Anchor translation unit of the Verilated TrueNorth neuron update unit library (the Verilated
// sources are added by verilate() in rtl/CMakeLists.txt).
#include "Vtruenorth_update_unit.h"
