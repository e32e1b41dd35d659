#!/usr/bin/env Rscript
# Reference forecaster for the BT1 bench: R forecast::stlf (STL decomposition + ETS on the
# seasonally adjusted series, forecast package defaults) with the daily period (86400 s / step)
# as the frequency. At each origin o it is refitted on points 0..o only (1-based y[1:(o+1)]);
# the band is stlf's 80 % prediction interval, i.e. the 10 % and 90 % quantiles. When stlf
# fails or returns non-finite values the origin falls back to the naive forecast (value at the
# origin, zero-width band), counted in the `note` column of timings.csv.
#
# Usage: stlf.R TRACES_DIR OUT_DIR [EVERY]
suppressPackageStartupMessages(library(forecast))

horizons <- c(1, 3, 6, 12)
hmax <- 12

origins_for <- function(n, every) {
  test_start <- floor(0.8 * n)
  stride <- max(1, ceiling((n - hmax - test_start + 1) / 200))
  o <- seq(test_start - 1, n - 1 - hmax, by = stride)
  o[seq(1, length(o), by = every)]
}

forecast_origin <- function(y, o, period) {
  history <- ts(y[1:(o + 1)], frequency = period)
  fc <- tryCatch(stlf(history, h = hmax, level = 80), error = function(e) NULL)
  if (is.null(fc)) {
    return(NULL)
  }
  out <- cbind(as.numeric(fc$mean), as.numeric(fc$lower[, 1]), as.numeric(fc$upper[, 1]))
  if (!all(is.finite(out))) {
    return(NULL)
  }
  out
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) {
  stop("usage: stlf.R TRACES_DIR OUT_DIR [EVERY]")
}
traces_dir <- args[1]
out_dir <- args[2]
every <- if (length(args) >= 3) as.integer(args[3]) else 1L
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
files <- sort(list.files(traces_dir, pattern = "\\.csv$"))
timings <- data.frame()
for (file in files) {
  name <- sub("\\.csv$", "", file)
  trace <- read.csv(file.path(traces_dir, file))
  y <- as.numeric(trace$value)
  period <- round(86400 / (trace$timestamp[2] - trace$timestamp[1]))
  origins <- origins_for(length(y), every)
  rows <- vector("list", length(origins))
  fallbacks <- 0
  started <- proc.time()[["elapsed"]]
  for (k in seq_along(origins)) {
    o <- origins[k]
    fc <- forecast_origin(y, o, period)
    if (is.null(fc)) {
      fallbacks <- fallbacks + 1
      fc <- matrix(y[o + 1], nrow = hmax, ncol = 3)
    }
    rows[[k]] <- data.frame(origin = o, horizon = horizons, yhat = fc[horizons, 1],
                            lower = pmin(fc[horizons, 2], fc[horizons, 3]),
                            upper = pmax(fc[horizons, 2], fc[horizons, 3]))
  }
  seconds <- proc.time()[["elapsed"]] - started
  table <- do.call(rbind, rows)
  lines <- sprintf("%d,%d,%.17g,%.17g,%.17g", as.integer(table$origin), as.integer(table$horizon),
                   table$yhat, table$lower, table$upper)
  writeLines(c("origin,horizon,yhat,lower,upper", lines), file.path(out_dir, file))
  timings <- rbind(timings, data.frame(trace = name, seconds = sprintf("%.6f", seconds),
                                       origins = length(origins),
                                       note = sprintf("period=%d fallbacks=%d", period, fallbacks)))
  cat(sprintf("stlf: %s: %d origins, %.1f s, %d fallbacks\n", name, length(origins), seconds,
              fallbacks))
}
write.csv(timings, file.path(out_dir, "timings.csv"), row.names = FALSE, quote = FALSE)
