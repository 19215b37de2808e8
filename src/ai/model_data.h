/* The model file data/ai/model.bin, embedded at build time by src/web/embed.cmake. */
#ifndef AICOS_AI_MODEL_DATA_H
#define AICOS_AI_MODEL_DATA_H

#include <stddef.h>

extern const unsigned char ai_model_bin[];
extern const size_t ai_model_bin_len;

#endif
