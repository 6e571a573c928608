# The two commands a newcomer needs: `make demo` (the main job) and `make test` (the whole suite).
.PHONY: bootstrap up down demo test eval bench compose-check compose-up compose-down

bootstrap:
	bash scripts/bootstrap.sh

up: bootstrap
	.venv/bin/newsflow up

down:
	@if [ -x .venv/bin/newsflow ]; then .venv/bin/newsflow down; fi

demo: bootstrap
	bash scripts/demo.sh

test: bootstrap
	bash scripts/test.sh

eval: bootstrap
	.venv/bin/newsflow eval extraction --dataset ../shared/eval/article-extraction
	.venv/bin/newsflow eval enrichment --dataset ../shared/eval/enrichment/meantime
	.venv/bin/newsflow eval pubdates --dataset ../shared/eval/pubdates

compose-check:
	docker-compose config -q

# The production stack in containers: a Docker engine when one answers, else podman + stand-ins (compose/README.md).
compose-up:
	bash scripts/compose.sh up

compose-down:
	bash scripts/compose.sh down
