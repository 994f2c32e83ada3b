module github.com/gantry-ci/gantry/examples/hello-api

go 1.26.0
