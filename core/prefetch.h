#pragma once
// A software prefetch that the optimiser keeps.
//
// GCC (12, -O2) deletes a loop whose only effect is __builtin_prefetch under a condition,
// such as "for each word token: prefetch its table slot", because C++ lets it assume such a
// loop terminates and the prefetch is not treated as an effect. The empty asm statement
// that uses the address is an effect, so the loop, and the prefetch in it, stay (checked
// with objdump on stop 13's build: the conditional loops had no prefetch instruction left).

namespace sentio {

[[gnu::always_inline]] inline void PrefetchLine(const void* p) {
  __builtin_prefetch(p);
  asm volatile("" : : "r"(p));
}

}  // namespace sentio
