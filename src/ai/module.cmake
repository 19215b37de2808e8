# Buyer-case triage: the intent classifier (normalisation, hashed n-gram features, language
# detection with libexttextcat, the linear model, threat and urgency rules), its training
# with liblinear, evaluation, and the operators' corrections (store). The trained model
# data/ai/model.bin is embedded into the binary at build time.
pkg_check_modules(EXTTEXTCAT REQUIRED IMPORTED_TARGET libexttextcat)
# liblinear (Debian liblinear-dev) ships no pkg-config file.
find_library(LIBLINEAR_LIBRARY NAMES linear REQUIRED)
find_path(LIBLINEAR_INCLUDE_DIR NAMES linear.h REQUIRED)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/generated/ai_model_data.c
  COMMAND ${CMAKE_COMMAND} -DOUT=${CMAKE_BINARY_DIR}/generated/ai_model_data.c
          -DNAMES=ai_model_bin -DINPUTS=${CMAKE_SOURCE_DIR}/data/ai/model.bin
          -DHEADER=ai/model_data.h -P ${CMAKE_SOURCE_DIR}/src/web/embed.cmake
  DEPENDS ${CMAKE_SOURCE_DIR}/data/ai/model.bin ${CMAKE_SOURCE_DIR}/src/web/embed.cmake
  COMMENT "Embedding the intent model"
  VERBATIM)
aicos_module(ai
  SOURCES labels.c features.c model.c lang.c urgency.c classify.c dataset.c train.c eval.c
          corrections.c
  DEPS aicos_store aicos_base PkgConfig::EXTTEXTCAT ${LIBLINEAR_LIBRARY} m)
target_sources(aicos_ai PRIVATE ${CMAKE_BINARY_DIR}/generated/ai_model_data.c)
target_include_directories(aicos_ai PRIVATE ${LIBLINEAR_INCLUDE_DIR})
