-- wrk at a steady pace (the soak suite): each connection waits MS milliseconds before each request,
-- so wrk -c N sends about N x 1000 / (MS + latency) requests a second instead of all it can.
--   wrk -t1 -cN -dS -s bench/paced.lua http://127.0.0.1:PORT/ -- MS
local pause = 1

function init(args)
  pause = tonumber(args[1]) or pause
end

function delay()
  return pause
end
