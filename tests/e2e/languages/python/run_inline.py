"""The Python example (examples/python/__main__.py) run as an Automation API inline program.

The CLI is started with --client and this process hosts the program, since the Go module proxy does
not serve pulumi-language-python. The inline program executes the example file itself (runpy), so
what runs is exactly what a user's `pulumi up` would run; nothing of it is restated here.

Driven through the environment by tests/e2e/04-languages.e2e.ts, with the venv's interpreter:
    RMQ_E2E_ACTION       up | destroy
    RMQ_E2E_PROJECT_DIR  the example's scratch copy (its Pulumi.yaml names the project)
    RMQ_E2E_STACK        stack name
    RMQ_E2E_PULUMI_ROOT  directory whose bin/pulumi is the CLI
    RMQ_E2E_SECRETS      JSON object "robustmq:<key>" -> value, set as secret stack config
    RMQ_E2E_LOG          file the CLI's progress is appended to
    RMQ_E2E_RESULT       file the JSON result is written to
The CLI inherits this process's environment (PULUMI_HOME, backend, passphrase, KUBECONFIG).
"""

import json
import os
import runpy
import sys
import time

from pulumi import automation as auto


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        sys.exit(f"{name} is not set (this runner is started by tests/e2e/04-languages.e2e.ts)")
    return value


def main() -> None:
    action = env("RMQ_E2E_ACTION")
    project_dir = env("RMQ_E2E_PROJECT_DIR")
    main_file = os.path.join(project_dir, "__main__.py")

    def program() -> None:
        runpy.run_path(main_file, run_name="__main__")

    stack = auto.create_or_select_stack(
        stack_name=env("RMQ_E2E_STACK"),
        project_name="",
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=project_dir,
            pulumi_command=auto.PulumiCommand(root=env("RMQ_E2E_PULUMI_ROOT")),
        ),
    )
    result = {"action": action, "outputs": {}}
    start = time.monotonic()
    with open(env("RMQ_E2E_LOG"), "a", encoding="utf-8") as log:
        if action == "up":
            secrets = json.loads(env("RMQ_E2E_SECRETS"))
            stack.set_all_config({k: auto.ConfigValue(value=v, secret=True) for k, v in secrets.items()})
            r = stack.up(on_output=log.write)
            result["outputs"] = {k: "[secret]" if o.secret else o.value for k, o in r.outputs.items()}
        elif action == "destroy":
            r = stack.destroy(on_output=log.write)
        else:
            sys.exit(f"RMQ_E2E_ACTION={action!r}: want up or destroy")
    result["seconds"] = time.monotonic() - start
    result["summary"] = r.summary.resource_changes or {}
    with open(env("RMQ_E2E_RESULT"), "w", encoding="utf-8") as f:
        json.dump(result, f)
    print(f"{action} done in {result['seconds']:.1f} s")


if __name__ == "__main__":
    main()
