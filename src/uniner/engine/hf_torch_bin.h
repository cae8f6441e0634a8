// PyTorch's pytorch_model*.bin (torch.save's zip format): the state dict in <archive>/data.pkl,
// read by the restricted unpickler (hf_pickle.h), each tensor's bytes in <archive>/data/<key>.
// Private to engine/.
#pragma once

#include <string>

#include "engine/hf_tensor.h"

namespace uniner::engine {

// The tensors of one .bin file, located in the archive (nothing is copied). InputError naming
// the file for the legacy (pre-1.6, not zip) format, a pickle the unpickler refuses, something
// other than a flat dict of name -> tensor, a tensor that is not contiguous, or a storage that
// is missing or shorter than its tensors.
HfTensorMap read_torch_bin(const std::string& path);

}  // namespace uniner::engine
