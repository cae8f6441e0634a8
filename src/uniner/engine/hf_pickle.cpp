// The restricted unpickler (hf_pickle.h): a stack machine over the opcodes a state dict uses.
// Callables are not called: REDUCE on an allowed global builds the value it would have built.
#include "engine/hf_pickle.h"

#include <cstring>
#include <map>
#include <set>

#include "uniner/error.h"

namespace uniner::engine {
namespace {

using Kind = PickleValue::Kind;

PickleRef make(Kind kind) {
  auto v = std::make_shared<PickleValue>();
  v->kind = kind;
  return v;
}

// The storage classes torch pickles for each element type it can hold; only three are read.
struct StorageType {
  const char* name;
  HfDtype dtype;
};
constexpr StorageType kStorageTypes[] = {
    {"torch.FloatStorage", HfDtype::kF32},
    {"torch.HalfStorage", HfDtype::kF16},
    {"torch.BFloat16Storage", HfDtype::kBF16},
};

const char* const kCallables[] = {
    "collections.OrderedDict",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_parameter",
};

class Machine {
 public:
  Machine(std::string_view data, std::string source) : d_(data), source_(std::move(source)) {}

  PickleRef run() {
    while (true) {
      const std::size_t at = pos_;
      const auto op = static_cast<unsigned char>(byte());
      switch (op) {
        case 0x80: byte(); break;                      // PROTO n
        case 0x95: bytes(8); break;                    // FRAME length (protocol 4)
        case '.': {                                    // STOP
          if (stack_.size() != 1) fail(at, "the pickle ends with " + std::to_string(stack_.size()) + " values on its stack");
          check_graph(at, stack_.back());
          return stack_.back();
        }
        case '(': marks_.push_back(stack_.size()); break;  // MARK
        case '0': pop(at); break;                          // POP
        case '1': pop_mark(at); break;                     // POP_MARK
        case '2': push(top(at)); break;                    // DUP
        case 'N': push(make(Kind::kNone)); break;
        case 0x88: push(boolean(true)); break;         // NEWTRUE
        case 0x89: push(boolean(false)); break;        // NEWFALSE
        case 'J': push(integer(static_cast<std::int32_t>(uint(4)))); break;  // BININT
        case 'K': push(integer(static_cast<std::int64_t>(uint(1)))); break;  // BININT1
        case 'M': push(integer(static_cast<std::int64_t>(uint(2)))); break;  // BININT2
        case 0x8a: push(long1(at)); break;             // LONG1
        case 'G': push(binfloat()); break;             // BINFLOAT
        case 'X': push(string(uint(4))); break;        // BINUNICODE
        case 0x8c: push(string(uint(1))); break;       // SHORT_BINUNICODE (protocol 4)
        case 0x8d: push(string(uint(8))); break;       // BINUNICODE8
        case ')': push(sequence(Kind::kTuple, {})); break;     // EMPTY_TUPLE
        case 't': push(sequence(Kind::kTuple, pop_mark(at))); break;  // TUPLE
        case 0x85: case 0x86: case 0x87: {             // TUPLE1..3
          const std::size_t n = op - 0x84u;
          if (stack_.size() < n + floor()) fail(at, "stack underflow");
          std::vector<PickleRef> items(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
          stack_.resize(stack_.size() - n);
          push(sequence(Kind::kTuple, std::move(items)));
          break;
        }
        case ']': push(sequence(Kind::kList, {})); break;      // EMPTY_LIST
        case 'l': push(sequence(Kind::kList, pop_mark(at))); break;   // LIST
        case 'a': {                                    // APPEND
          auto v = pop(at);
          expect(top(at), Kind::kList, at, "APPEND")->items.push_back(v);
          break;
        }
        case 'e': {                                    // APPENDS
          auto items = pop_mark(at);
          auto& list = expect(top(at), Kind::kList, at, "APPENDS")->items;
          list.insert(list.end(), items.begin(), items.end());
          break;
        }
        case '}': push(sequence(Kind::kDict, {})); break;      // EMPTY_DICT
        case 'd': {                                    // DICT
          auto items = pop_mark(at);
          if (items.size() % 2) fail(at, "a dict with an odd number of items");
          push(sequence(Kind::kDict, std::move(items)));
          break;
        }
        case 's': {                                    // SETITEM
          auto v = pop(at), k = pop(at);
          auto& dict = expect(top(at), Kind::kDict, at, "SETITEM")->items;
          dict.push_back(k), dict.push_back(v);
          break;
        }
        case 'u': {                                    // SETITEMS
          auto items = pop_mark(at);
          if (items.size() % 2) fail(at, "SETITEMS with an odd number of items");
          auto& dict = expect(top(at), Kind::kDict, at, "SETITEMS")->items;
          dict.insert(dict.end(), items.begin(), items.end());
          break;
        }
        case 'c': {                                    // GLOBAL "module\nname\n"
          std::string module = line(at), name = line(at);
          push(global(at, module + "." + name));
          break;
        }
        case 0x93: {                                   // STACK_GLOBAL (protocol 4)
          auto name = expect(pop(at), Kind::kString, at, "STACK_GLOBAL");
          auto module = expect(pop(at), Kind::kString, at, "STACK_GLOBAL");
          push(global(at, module->text + "." + name->text));
          break;
        }
        case 'Q': push(persistent(at, pop(at))); break;  // BINPERSID
        case 'R': {                                      // REDUCE
          auto args = expect(pop(at), Kind::kTuple, at, "REDUCE");
          auto callable = pop(at);
          push(reduce(at, callable, args->items));
          break;
        }
        case 'b': {                                      // BUILD: an OrderedDict's attributes
          pop(at);                                       // (state_dict()._metadata): not needed
          expect(top(at), Kind::kDict, at, "BUILD");
          break;
        }
        case 'q': memo_[uint(1)] = top(at); break;       // BINPUT
        case 'r': memo_[uint(4)] = top(at); break;       // LONG_BINPUT
        case 0x94: memo_[memo_.size()] = top(at); break;  // MEMOIZE (protocol 4)
        case 'h': push(get(at, uint(1))); break;         // BINGET
        case 'j': push(get(at, uint(4))); break;         // LONG_BINGET
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          fail(at, std::string("opcode ") + hex +
                       " is not one a PyTorch state dict uses; the file is refused (nothing in "
                       "it was executed)");
        }
      }
    }
  }

 private:
  [[noreturn]] void fail(std::size_t at, const std::string& why) const {
    throw InputError(source_ + ": byte " + std::to_string(at) + ": " + why);
  }
  char byte() {
    if (pos_ >= d_.size()) fail(pos_, "the pickle ends early (truncated)");
    return d_[pos_++];
  }
  std::string_view bytes(std::uint64_t n) {
    if (n > d_.size() - pos_) fail(pos_, "the pickle ends early (truncated)");
    auto s = d_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }
  std::uint64_t uint(int n) {
    const auto b = bytes(static_cast<std::uint64_t>(n));
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[i]);
    return v;
  }
  std::string line(std::size_t at) {
    const auto end = d_.find('\n', pos_);
    if (end == std::string_view::npos || end - pos_ > 256) fail(at, "a damaged GLOBAL opcode");
    std::string s(d_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }

  void push(PickleRef v) { stack_.push_back(std::move(v)); }
  std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  PickleRef pop(std::size_t at) {
    if (stack_.size() <= floor()) fail(at, "stack underflow");
    auto v = stack_.back();
    stack_.pop_back();
    return v;
  }
  PickleRef top(std::size_t at) const {
    if (stack_.size() <= floor()) fail(at, "stack underflow");
    return stack_.back();
  }
  std::vector<PickleRef> pop_mark(std::size_t at) {
    if (marks_.empty()) fail(at, "no MARK to pop to");
    const std::size_t m = marks_.back();
    marks_.pop_back();
    std::vector<PickleRef> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }
  PickleRef get(std::size_t at, std::uint64_t key) const {
    const auto it = memo_.find(key);
    if (it == memo_.end()) fail(at, "memo " + std::to_string(key) + " was never stored");
    return it->second;
  }
  PickleRef expect(PickleRef v, Kind kind, std::size_t at, const char* op) const {
    if (v->kind != kind) fail(at, std::string(op) + " on a value of an unexpected kind");
    return v;
  }

  static PickleRef boolean(bool b) {
    auto v = make(Kind::kBool);
    v->integer = b;
    return v;
  }
  static PickleRef integer(std::int64_t i) {
    auto v = make(Kind::kInt);
    v->integer = i;
    return v;
  }
  PickleRef long1(std::size_t at) {
    const auto n = uint(1);
    if (n > 8) fail(at, "an integer wider than 64 bits");
    const auto b = bytes(n);
    std::uint64_t u = 0;
    for (std::size_t i = n; i-- > 0;) u = (u << 8) | static_cast<unsigned char>(b[i]);
    if (n > 0 && n < 8 && (static_cast<unsigned char>(b[n - 1]) & 0x80)) u |= ~0ull << (8 * n);
    return integer(static_cast<std::int64_t>(u));
  }
  PickleRef binfloat() {
    const auto b = bytes(8);
    std::uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<unsigned char>(b[i]);  // big-endian
    auto v = make(Kind::kFloat);
    std::memcpy(&v->real, &u, 8);
    return v;
  }
  PickleRef string(std::uint64_t n) {
    auto v = make(Kind::kString);
    v->text = std::string(bytes(n));
    return v;
  }
  // Every container is remembered: a pickle can make one hold itself (DUP, APPEND), a cycle
  // that shared_ptr would never free. Those not in an acyclic result are emptied at the end.
  PickleRef sequence(Kind kind, std::vector<PickleRef> items) const {
    auto v = make(kind);
    v->items = std::move(items);
    containers_.push_back(v);
    return v;
  }

  // Only the globals of a state dict exist here; anything else stops the reading at once.
  PickleRef global(std::size_t at, const std::string& name) const {
    auto v = make(Kind::kGlobal);
    v->text = name;
    for (const auto& s : kStorageTypes) {
      if (name == s.name) v->dtype = s.dtype;
      if (name == s.name) return v;
    }
    for (const char* c : kCallables) {
      if (name == c) return v;
    }
    if (name.rfind("torch.", 0) == 0 && name.size() > 7 &&
        name.compare(name.size() - 7, 7, "Storage") == 0) {
      fail(at, "tensors stored as " + name + ": this version reads F32, F16 and BF16 weights");
    }
    fail(at, "the pickle names the global '" + name +
                 "', which a PyTorch state dict does not use; the file is refused (nothing in it "
                 "was executed). Allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2, "
                 "torch._utils._rebuild_parameter, torch.FloatStorage/HalfStorage/BFloat16Storage");
  }

  // ('storage', <storage class>, key, location, numel): a storage in archive/data/<key>.
  PickleRef persistent(std::size_t at, const PickleRef& pid) const {
    const auto& t = pid->items;
    if (pid->kind != Kind::kTuple || t.size() != 5 || t[0]->kind != Kind::kString ||
        t[0]->text != "storage" || t[1]->kind != Kind::kGlobal || t[2]->kind != Kind::kString ||
        t[4]->kind != Kind::kInt) {
      fail(at, "a persistent id that is not a torch storage ('storage', type, key, location, size)");
    }
    bool typed = false;
    for (const auto& s : kStorageTypes) typed = typed || t[1]->text == s.name;
    if (!typed) fail(at, "a storage of type " + t[1]->text + " (F32, F16 and BF16 are read)");
    auto v = make(Kind::kStorage);
    v->text = t[2]->text;
    v->dtype = t[1]->dtype;
    v->storage_numel = t[4]->integer;
    return v;
  }

  static std::vector<std::int64_t> ints(const PickleRef& v, bool& ok) {
    std::vector<std::int64_t> out;
    ok = v->kind == Kind::kTuple;
    for (const auto& x : v->items) {
      ok = ok && x->kind == Kind::kInt && x->integer >= 0;
      out.push_back(x->integer);
    }
    return out;
  }

  PickleRef reduce(std::size_t at, const PickleRef& callable, const std::vector<PickleRef>& args) {
    if (callable->kind != Kind::kGlobal) fail(at, "REDUCE on a value that is not an allowed global");
    const std::string& f = callable->text;
    if (f == "collections.OrderedDict") {
      if (!args.empty()) fail(at, "OrderedDict built from arguments");
      return sequence(Kind::kDict, {});
    }
    if (f == "torch._utils._rebuild_parameter") {  // (tensor, requires_grad, hooks)
      if (args.empty() || args[0]->kind != Kind::kTensor) fail(at, "a parameter without a tensor");
      return args[0];
    }
    if (f == "torch._utils._rebuild_tensor_v2") {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      if (args.size() < 4 || args[0]->kind != Kind::kStorage || args[1]->kind != Kind::kInt) {
        fail(at, "_rebuild_tensor_v2 with unexpected arguments");
      }
      auto v = make(Kind::kTensor);
      v->storage = args[0];
      v->dtype = args[0]->dtype;
      v->storage_offset = args[1]->integer;
      bool ok_shape = false, ok_stride = false;
      v->shape = ints(args[2], ok_shape);
      v->stride = ints(args[3], ok_stride);
      if (!ok_shape || !ok_stride || v->shape.size() != v->stride.size() || v->storage_offset < 0) {
        fail(at, "_rebuild_tensor_v2 with a damaged size or stride");
      }
      return v;
    }
    fail(at, "REDUCE on " + f + " (not a state dict's constructor)");
  }

  // The result must be a tree of bounded depth (a state dict is three levels deep): no value
  // containing itself, and no nesting deep enough for freeing it to exhaust the stack.
  // Depth-first with three colours: O(values + references) even when values are shared.
  void check_graph(std::size_t at, const PickleRef& v) {
    constexpr std::size_t kMaxDepth = 100;
    enum { kOpen = 1, kDone = 2 };
    std::map<const PickleValue*, int> colour;
    std::vector<std::pair<const PickleValue*, std::size_t>> path{{v.get(), 0}};
    colour[v.get()] = kOpen;
    while (!path.empty()) {
      auto& [node, next] = path.back();
      if (next == node->items.size()) {
        colour[node] = kDone;
        reachable_.insert(node);
        path.pop_back();
        continue;
      }
      const PickleValue* child = node->items[next++].get();
      const int c = colour[child];
      if (c == kOpen) fail(at, "a value that contains itself (not a state dict)");
      if (c == 0) {
        if (path.size() >= kMaxDepth) fail(at, "values nested more than 100 deep (not a state dict)");
        colour[child] = kOpen;
        path.emplace_back(child, 0);
      }
    }
  }

 public:
  ~Machine() {
    for (auto& c : containers_) {
      if (!reachable_.count(c.get())) c->items.clear();
    }
  }

 private:
  std::string_view d_;
  std::string source_;
  mutable std::vector<PickleRef> containers_;
  std::set<const PickleValue*> reachable_;
  std::size_t pos_ = 0;
  std::vector<PickleRef> stack_;
  std::vector<std::size_t> marks_;
  std::map<std::uint64_t, PickleRef> memo_;
};

}  // namespace

PickleRef unpickle_state_dict(std::string_view data, const std::string& source) {
  return Machine(data, source).run();
}

}  // namespace uniner::engine
