// Anchor translation unit of the Verilated neuron update unit library (the Verilated sources are
// added by verilate() in rtl/CMakeLists.txt).
#include "Vlif_update_unit.h"
