// C ABI of the SequenceLM native layer over libtorch.
//
// Rules: every function returns an slm_status (or a plain value where it cannot fail); on failure the message is
// read with slm_last_error() on the same thread. No C++ exception crosses this boundary. Token buffers are int64,
// row-major [batch, steps]. Handles are opaque; each *_free accepts NULL.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
#define SLM_EXTERN extern "C"
#else
#define SLM_EXTERN
#endif
#define SLM_API SLM_EXTERN __attribute__((visibility("default")))

#define SLM_ABI_VERSION 2  // 2: slm_model_last_good

typedef struct slm_model slm_model;
typedef struct slm_generator slm_generator;

typedef enum {
  SLM_OK = 0,
  SLM_ERROR = 1,              // libtorch or internal error; message in slm_last_error()
  SLM_INVALID_ARGUMENT = 2,   // a value passed in is out of range or inconsistent
  SLM_DEVICE_UNAVAILABLE = 3, // the requested device (e.g. cuda) is not available in this build or machine
  SLM_OUT_OF_MEMORY = 4,
} slm_status;

typedef enum {
  SLM_RNN_TANH = 0,
  SLM_RNN_RELU = 1,
  SLM_GRU = 2,
  SLM_LSTM = 3,
  SLM_TRANSFORMER = 4,
} slm_family;

typedef struct {
  int32_t family;          // slm_family
  int32_t num_layers;
  int64_t vocab_size;
  int64_t embedding_size;  // recurrent: 0 means one-hot input; transformer: ignored (width = hidden_size)
  int64_t hidden_size;     // recurrent hidden size, or the transformer's width
  int32_t num_heads;       // transformer
  int32_t positional;      // transformer: 0 learned, 1 sinusoidal (token embeddings then scaled by sqrt(width))
  int64_t context_length;  // transformer: longest context
  int64_t ffn_size;        // transformer: feed-forward width, 0 means 4 x width
  float dropout;           // recurrent: between layers and before the head; transformer: residual and attention
  int32_t tie_weights;     // output layer shares the embedding matrix (needs embedding_size == hidden_size)
  int64_t ignore_index;    // targets equal to it carry no loss (padding); negative: none
  uint64_t seed;           // initialisation seed
} slm_model_config;

typedef enum { SLM_SGD = 0, SLM_ADAM = 1, SLM_ADAMW = 2 } slm_optimizer_type;

typedef struct {
  int32_t type;        // slm_optimizer_type
  float momentum;      // SGD
  float beta1, beta2, eps;
  float weight_decay;  // SGD/Adam: L2 added to the gradient; AdamW: decoupled
} slm_optimizer_config;

typedef struct {
  float learning_rate;
  float clip_norm;      // <= 0: no clipping
  int32_t carry_state;  // recurrent: start from the state the previous step left (detached), truncated BPTT
  uint64_t seed;        // seeds dropout for this step, so a resumed run repeats an uninterrupted one
} slm_step_options;

typedef struct {
  float temperature;   // <= 0: greedy
  int32_t top_k;       // <= 0: off
  float top_p;         // >= 1 or <= 0: off
  uint64_t seed;
} slm_sampling;

// ---- library ----
SLM_API int32_t slm_abi_version(void);
SLM_API const char* slm_last_error(void);
SLM_API const char* slm_torch_version(void);
SLM_API int32_t slm_set_num_threads(int32_t threads);  // <= 0: all cores; returns a status
SLM_API int32_t slm_get_num_threads(void);
SLM_API int32_t slm_cuda_device_count(void);

// ---- model ----
// device: "cpu", "cuda", "cuda:N" or "auto" (CUDA when available).
SLM_API int32_t slm_model_create(const slm_model_config* config, const char* device, slm_model** out);
SLM_API void slm_model_free(slm_model* model);
SLM_API int32_t slm_model_device(slm_model* model, char* buffer, int32_t capacity);
SLM_API int32_t slm_model_parameter_count(slm_model* model, int64_t* count);

// Named float32 tensors. kind 0: parameters (PyTorch names); kind 1: optimizer state (created by the first step, or
// by slm_model_set_optimizer_steps with steps > 0 so that a resumed run can write it), per parameter in parameter
// order: exp_avg.<name>, exp_avg_sq.<name> (Adam, AdamW) or momentum.<name> (SGD with momentum > 0).
// tensor_info: name and shape may be NULL; ndim (nullable) is always set.
SLM_API int32_t slm_model_tensor_count(slm_model* model, int32_t kind, int32_t* count);
SLM_API int32_t slm_model_tensor_info(slm_model* model, int32_t kind, int32_t index, char* name, int32_t name_capacity,
                                      int64_t* shape, int32_t shape_capacity, int32_t* ndim);
SLM_API int32_t slm_model_tensor_read(slm_model* model, int32_t kind, int32_t index, float* destination, int64_t count);
SLM_API int32_t slm_model_tensor_write(slm_model* model, int32_t kind, int32_t index, const float* source, int64_t count);

// ---- training ----
// The same optimizer type again keeps the state and step count; another type starts both afresh.
SLM_API int32_t slm_model_set_optimizer(slm_model* model, const slm_optimizer_config* config);
SLM_API int32_t slm_model_optimizer_steps(slm_model* model, int64_t* steps);
SLM_API int32_t slm_model_set_optimizer_steps(slm_model* model, int64_t steps);
// One optimisation step on a batch. A non-finite loss leaves the weights untouched and is returned as NaN/Inf (so
// does a non-finite gradient norm). grad_norm is the total L2 norm of the gradients before clipping.
SLM_API int32_t slm_train_step(slm_model* model, const int64_t* inputs, const int64_t* targets, int64_t batch,
                               int64_t steps, const slm_step_options* options, float* loss, float* grad_norm);
// Recurrent models: the training state carried between steps (truncated BPTT), saved in checkpoints so that a run
// resumed mid-epoch continues exactly. h (and c, LSTM only) hold layers x batch x hidden floats; batch is 0 when there
// is no state.
SLM_API int32_t slm_model_train_state_batch(slm_model* model, int64_t* batch);
SLM_API int32_t slm_model_train_state_read(slm_model* model, float* h, float* c, int64_t count);
SLM_API int32_t slm_model_train_state_write(slm_model* model, const float* h, const float* c, int64_t batch, int64_t count);
// which: 1 training state, 2 evaluation state, 3 both.
SLM_API int32_t slm_reset_state(slm_model* model, int32_t which);
// The last good weights, for recovering from a loss that becomes NaN or infinite. op 1: from now on, each training step
// whose loss and gradient norm are finite first copies the weights it was computed with (proven good) into a backup;
// op 2: writes that backup back into the parameters (*restored = 1; 0 when no step has succeeded since op 1);
// op 0: stops keeping the backup and frees it. restored may be null.
SLM_API int32_t slm_model_last_good(slm_model* model, int32_t op, int32_t* restored);

// ---- evaluation ----
// Sums the loss of the non-ignored targets of this batch into loss_sum / token_count (set, not added to).
// position_loss / position_count (nullable, length steps) accumulate (are added to) per position within the window.
SLM_API int32_t slm_evaluate_batch(slm_model* model, const int64_t* inputs, const int64_t* targets, int64_t batch,
                                   int64_t steps, int32_t carry_state, double* loss_sum, int64_t* token_count,
                                   double* position_loss, int64_t* position_count);
// Logits [batch, steps, vocab] of a fresh (zero-state) forward pass, in evaluation mode.
SLM_API int32_t slm_forward_logits(slm_model* model, const int64_t* inputs, int64_t batch, int64_t steps, float* logits);
// Recurrent models: norm of d(loss at the last step)/d(top-layer hidden state at step t), for each t (length steps).
// The loss is the mean cross-entropy over the batch at the last step; the norm is the L2 norm over the whole
// [batch, hidden] gradient (through the recurrence). Transformers: SLM_INVALID_ARGUMENT.
SLM_API int32_t slm_hidden_gradient_norms(slm_model* model, const int64_t* inputs, const int64_t* targets,
                                          int64_t batch, int64_t steps, float* norms);

// ---- generation ----
// prompts: the rows' tokens concatenated; lengths: each row's length (>= 1). banned: tokens never sampled.
// A generator keeps its model alive (the model handle may be freed first). Use one generator from one thread at a
// time; different generators on one model may run in parallel.
SLM_API int32_t slm_generator_create(slm_model* model, const int64_t* prompts, const int64_t* lengths, int32_t batch,
                                     const slm_sampling* sampling, const int64_t* banned, int32_t banned_count,
                                     slm_generator** out);
SLM_API void slm_generator_free(slm_generator* generator);
// Samples count tokens for every row: tokens[count * batch], step-major. Rows whose token equals stop_token
// (>= 0) are marked finished and then repeat stop_token; finished (nullable, [batch]) reports them.
SLM_API int32_t slm_generator_next(slm_generator* generator, int32_t count, int64_t stop_token, int64_t* tokens,
                                   uint8_t* finished);

// ---- diagnostics ----
// Multiplies two n x n float32 matrices `iterations` times on the CPU with libtorch, under the library's thread
// settings, and returns the wall time in seconds (benchmarks: the machine's matrix-multiply peak).
SLM_API int32_t slm_benchmark_matmul(int64_t n, int32_t iterations, double* seconds);
