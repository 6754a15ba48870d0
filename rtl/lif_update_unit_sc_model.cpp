// Anchor translation unit of the SystemC-flavoured Verilated neuron update unit.
#include "Vlif_update_unit_sc.h"
