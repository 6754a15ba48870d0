// The shared sc_main of SystemC test executables: libsystemc's main() calls it; it runs
// GoogleTest.
#include <gtest/gtest.h>

extern "C" int sc_main(int argc, char** argv);
int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
