# The ihpa image: built on Debian 12 with the project's own dependency script, run as a
# non-root user on a slim Debian 12 with only the runtime libraries.
#   docker build -t ihpa:latest .
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh --build-only && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DIHPA_BUILD_TESTS=OFF \
 && cmake --build /build --parallel --target ihpa \
 && strip /build/cli/ihpa

FROM debian:12-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libssl3 libcurl4 libyaml-cpp0.7 libhiredis0.14 libre2-9 libdate-tz3 tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/cli/ihpa /usr/local/bin/ihpa
USER 65532:65532
EXPOSE 6443
ENTRYPOINT ["/usr/local/bin/ihpa"]
CMD ["serve", "--secure-port=6443"]
