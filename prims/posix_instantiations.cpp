// prims/posix_instantiations.cpp: the shipped POSIX instantiations, compiled once (CMake target
// wincache_posix). prims/prim_posix.hpp declares them `extern template` so that no other
// translation unit instantiates them again.
#include "prim_posix.hpp"

template class wc::RwLock<wc::PrimPosix>;
template class wc::Group<wc::PrimPosix, wc::PosixOs>;
template class wc::Allocator<wc::PrimPosix>;
