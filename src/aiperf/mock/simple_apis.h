// Handlers of the mock's non-token APIs (simple_apis.cpp): embeddings, rankings, video jobs.
#pragma once
#include "aiperf/mock/request_body.h"

namespace aiperf::mock {

class Connection;

/// POST /v1/embeddings: `input` strings / token arrays, or chat `messages` (one vector).
void handle_embeddings(Connection& c);
/// POST /v1/ranking (kRankNim), /v2/rerank (kRankCohere), /rerank (kRankTei).
void handle_rankings(Connection& c, ApiKind kind);
/// POST /v1/videos: a queued job.
void handle_video_submit(Connection& c);
/// GET /v1/videos/<id> (the job's state) and /v1/videos/<id>/content (the finished video).
void handle_video_get(Connection& c);

}  // namespace aiperf::mock
