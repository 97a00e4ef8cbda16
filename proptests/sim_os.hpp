// proptests/sim_os.hpp: SimOs, the segment layer's "operating system" for the property tests.
//
// One SimKernel holds the named objects of the simulated host; each simulated process has its
// own SimOs view. Objects are zero-filled on creation. As with POSIX shm, removing a name does
// not take the memory from those who still map it. Fixed-address mapping succeeds only at the
// object's own address (every process of the simulation shares one address space), and the
// test can make the next fixed-address mapping fail, as if that range were taken in the process.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wc::sim {

struct SimKernel {
  struct Object {
    std::vector<std::uint64_t> mem;
  };
  std::map<std::string, std::shared_ptr<Object>> names;
  bool fail_next_fixed = false;  // the next fixed-address mapping of an existing object fails
  unsigned fixed_failures = 0;   // how many were failed

  bool exists(const std::string& n) const { return names.count(n) != 0; }
};

class SimOs {
 public:
  struct Mapping {
    void* base = nullptr;
    std::uint64_t size = 0;
    bool created = false;
    std::shared_ptr<SimKernel::Object> obj;
  };

  explicit SimOs(SimKernel& k) : k_(k) {}

  Mapping open(const std::string& name, std::uint64_t size, bool create, void* at) {
    auto it = k_.names.find(name);
    Mapping m;
    if (it == k_.names.end()) {
      if (!create) return m;
      auto obj = std::make_shared<SimKernel::Object>();
      obj->mem.assign((size + 7) / 8, 0);
      it = k_.names.emplace(name, obj).first;
      m.created = true;
    } else if (at != nullptr) {
      if (k_.fail_next_fixed) {  // the range is taken in this process: never replace it
        k_.fail_next_fixed = false;
        ++k_.fixed_failures;
        return m;
      }
      if (at != it->second->mem.data()) return m;
    }
    m.obj = it->second;
    m.base = m.obj->mem.data();
    m.size = size;
    return m;
  }
  Mapping create_local(std::uint64_t size) {
    Mapping m;
    m.obj = std::make_shared<SimKernel::Object>();
    m.obj->mem.assign((size + 7) / 8, 0);
    m.base = m.obj->mem.data();
    m.size = size;
    m.created = true;
    return m;
  }
  void close(Mapping& m) { m = Mapping{}; }
  bool same_object(const std::string& name, const Mapping& m) const {
    auto it = k_.names.find(name);
    return it != k_.names.end() && it->second == m.obj;
  }
  void remove(const std::string& name) { k_.names.erase(name); }
  std::vector<std::string> list(const std::string& prefix) {
    std::vector<std::string> out;
    for (auto& [n, o] : k_.names)
      if (n.compare(0, prefix.size(), prefix) == 0) out.push_back(n);
    return out;
  }

 private:
  SimKernel& k_;
};

}  // namespace wc::sim
