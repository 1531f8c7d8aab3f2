// Private: factories of the built-in endpoints, listed in the registry table (endpoint.cpp).
#pragma once
#include <memory>

#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint {

std::unique_ptr<Endpoint> make_chat();                  // chat.cpp
std::unique_ptr<Endpoint> make_completions();           // completions.cpp
std::unique_ptr<Endpoint> make_responses();             // responses.cpp
std::unique_ptr<Endpoint> make_embeddings();            // embeddings.cpp
std::unique_ptr<Endpoint> make_nim_embeddings();        // embeddings.cpp
std::unique_ptr<Endpoint> make_chat_embeddings();       // embeddings.cpp
std::unique_ptr<Endpoint> make_cohere_rankings();       // rankings.cpp
std::unique_ptr<Endpoint> make_hf_tei_rankings();       // rankings.cpp
std::unique_ptr<Endpoint> make_nim_rankings();          // rankings.cpp
std::unique_ptr<Endpoint> make_huggingface_generate();  // huggingface_generate.cpp
std::unique_ptr<Endpoint> make_image_generation();      // image_generation.cpp
std::unique_ptr<Endpoint> make_video_generation();      // video_generation.cpp
std::unique_ptr<Endpoint> make_template();              // template.cpp
std::unique_ptr<Endpoint> make_messages();              // messages.cpp
std::unique_ptr<Endpoint> make_kserve();                // kserve.cpp
std::unique_ptr<Endpoint> make_kserve_vllm();           // kserve.cpp
std::unique_ptr<Endpoint> make_triton_generate();       // triton_generate.cpp
/// {"text_output": "..."} (Triton's generate extension, and how gRPC responses are kept).
bool parse_text_output(std::string_view payload, ParsedResponse& out);  // kserve.cpp

}  // namespace aiperf::endpoint
