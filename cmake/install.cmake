# `cmake --install` gives a C++ user the library, its public headers, the `uniner` binary and a
# package config: find_package(uniner) then target_link_libraries(app PRIVATE uniner::uniner).
#
# The installed library is one shared object, libuniner.so, made of every layer's objects and
# llama.cpp (linked in statically, its symbols hidden), so a consumer needs no llama.cpp of its
# own and links nothing else: the public headers expose no third-party type. The CLI and the tests
# link the per-layer static libraries instead, whose link graph enforces the layering.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(UNINER_LAYERS text format eval data teacher engine benchmark serve)
if(UNINER_WITH_TRAINING)
  list(APPEND UNINER_LAYERS train)  # libuniner.so then needs libtorch at run time
endif()
set(UNINER_LAYER_OBJECTS)
foreach(layer ${UNINER_LAYERS})
  list(APPEND UNINER_LAYER_OBJECTS $<TARGET_OBJECTS:uniner_${layer}_objects>)
endforeach()
add_library(uniner_shared SHARED ${UNINER_LAYER_OBJECTS})
set_target_properties(uniner_shared PROPERTIES
  OUTPUT_NAME uniner EXPORT_NAME uniner
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
# The layers' own dependencies (ICU, OpenSSL, llama.cpp...); the layer archives they name add
# nothing, every object being in already.
foreach(layer ${UNINER_LAYERS})
  target_link_libraries(uniner_shared PRIVATE $<TARGET_PROPERTY:uniner_${layer},LINK_LIBRARIES>)
endforeach()
# llama.cpp and ggml stay private to libuniner: a program with its own llama.cpp does not clash.
target_link_options(uniner_shared PRIVATE
  "LINKER:--exclude-libs,libllama.a:libggml.a:libggml-base.a:libggml-cpu.a")
target_include_directories(uniner_shared INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(uniner_shared INTERFACE cxx_std_20)
add_library(uniner::uniner ALIAS uniner_shared)

install(TARGETS uniner_shared EXPORT uninerTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(UNINER_WITH_TRAINING)
  install(DIRECTORY include/uniner DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
else()
  install(DIRECTORY include/uniner DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} PATTERN train EXCLUDE)
endif()
install(EXPORT uninerTargets NAMESPACE uniner:: FILE uninerTargets.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/uniner)
configure_package_config_file(cmake/uninerConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/uninerConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/uniner)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/uninerConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/uninerConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/uninerConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/uniner)
